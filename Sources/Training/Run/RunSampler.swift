import Plot
import Autograd
import Data
import Foundation
import MPI
import NN

/// A finished (or running) run's method rebuilt from its config.yaml and a
/// checkpoint, with the sample source pictures, evaluation and `tandem sample` use.
public struct RunSampler {
    public let config: TrainingConfiguration
    public let method: any TrainingMethod
    public let source: any SampleSource
    /// state.json of the checkpoint the networks came from.
    public let state: TrainingState
    public var step: Int { state.step }

    /// Rebuilds the method from `config` and state files (file → tensor name → tensor), sampling
    /// from the moving averages with `averaged` (an error when the run kept none).
    public init(config: TrainingConfiguration, state: TrainingState, files: [String: [String: Tensor]], averaged: Bool, path: (String) -> String) throws {
        self.config = config
        self.state = state
        method = try config.method.make(MethodSetup(config: config, sampleShape: state.sampleShape, comm: LocalCommunicator(), dataset: nil))
        try method.restore(files: files, path: path)
        if averaged, !method.networks.contains(where: { files["\($0.name)_ema.safetensors"] != nil }) {
            throw CheckpointError.mismatch(path: path(""), reason: "it holds no moving average (*_ema.safetensors): the run had no EMA (--ema-decay or --ema-kimg)")
        }
        source = try method.sampleSource(averaged: averaged)
    }

    /// Loads the checkpoint of step `step` (or the newest valid one) of a run directory.
    public init(runDirectory: RunDirectory, step: Int?, averaged: Bool) throws {
        let (config, checkpoint) = try Self.load(runDirectory: runDirectory, step: step)
        try self.init(config: config, state: checkpoint.state, files: checkpoint.files, averaged: averaged) {
            checkpoint.directory.appendingPathComponent($0).path
        }
    }

    /// A run's configuration and the checkpoint of `step` (or the newest valid one).
    public static func load(runDirectory: RunDirectory, step: Int?) throws -> (TrainingConfiguration, LoadedCheckpoint) {
        guard FileManager.default.fileExists(atPath: runDirectory.configFile.path) else {
            throw CheckpointError.missing(path: runDirectory.configFile.path)
        }
        let config = try RunConfiguration.load(runDirectory: runDirectory)
        let store = runDirectory.checkpoints
        if let step { return (config, try store.load(store.checkpoint(step: step))) }
        guard let newest = try store.newestValid() else {
            throw CheckpointError.noValidCheckpoint(runDirectory: runDirectory.url.path, reasons: ["no checkpoints yet"])
        }
        newest.warnings.forEach { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
        return (config, newest.checkpoint)
    }

    /// Writes `count` samples from (seed, "z.sample") to `url` (.npy: the values; .png: a grid
    /// or scatter plot) and optionally their random inputs; returns `url`. A picture of
    /// samples no picture can show throws before anything is generated or written.
    @discardableResult
    public func write(count: Int, seed: UInt64?, to url: URL, inputsTo inputsURL: URL?) throws -> URL {
        if url.pathExtension != "npy" {
            do {
                _ = try PictureKind.of(sampleShape: source.sampleShape)
            } catch {
                throw CheckpointError.writeFailed(path: url.path, reason: "\(error); write the samples as .npy instead")
            }
        }
        let inputs = source.inputs(seed: seed ?? config.seed, purpose: "z.sample", rows: 0..<count)
        let values = source.generate(inputs)
        do {
            if url.pathExtension == "npy" {
                try NpyFile.write(values, to: url)
            } else {
                try SamplePicture.render(values, real: nil, field: nil).write(to: url)
            }
            if let inputsURL { try NpyFile.write(inputs, to: inputsURL) }
        } catch let error as DataError {
            throw error
        } catch let error as PictureError {
            throw CheckpointError.writeFailed(path: url.path, reason: "\(error)")
        } catch {
            throw CheckpointError.writeFailed(path: url.path, reason: CheckpointStore.reason(error))
        }
        return url
    }
}
