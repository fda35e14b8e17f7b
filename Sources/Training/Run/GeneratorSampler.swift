import Autograd
import Data
import Foundation
import NN

/// A trained generator rebuilt from a run directory's config.yaml and a checkpoint.
public struct GeneratorSampler {
    public let config: TrainingConfiguration
    public let generator: any Module
    public let step: Int
    public let sampleShape: [Int]
    /// state.json of the checkpoint the generator came from.
    public let state: TrainingState

    /// Loads the checkpoint of generator step `step` (or the newest valid one) and its
    /// generator, or its moving average with `useEMA`.
    public init(runDirectory: RunDirectory, step: Int?, useEMA: Bool) throws {
        guard FileManager.default.fileExists(atPath: runDirectory.configFile.path) else {
            throw CheckpointError.missing(path: runDirectory.configFile.path)
        }
        config = try RunConfiguration.load(runDirectory: runDirectory)
        let store = runDirectory.checkpoints
        let checkpoint: LoadedCheckpoint
        if let step {
            checkpoint = try store.load(store.checkpoint(step: step))
        } else if let newest = try store.newestValid() {
            newest.warnings.forEach { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            checkpoint = newest.checkpoint
        } else {
            throw CheckpointError.noValidCheckpoint(runDirectory: runDirectory.url.path, reasons: ["no checkpoints yet"])
        }
        sampleShape = checkpoint.state.sampleShape
        generator = try ModelFactory(config: config, sampleShape: sampleShape).generator()
        let weights: [String: Tensor]
        if useEMA {
            guard let ema = checkpoint.generatorEMA else {
                throw CheckpointError.mismatch(path: checkpoint.directory.path, reason: "it holds no generator_ema.safetensors: the run had no EMA (--ema-decay or --ema-kimg)")
            }
            weights = ema
        } else {
            weights = checkpoint.generator
        }
        do {
            try generator.loadState(weights)
        } catch {
            throw CheckpointError.mismatch(path: checkpoint.directory.path, reason: "\(error)")
        }
        self.step = checkpoint.state.step
        state = checkpoint.state
    }

    /// `count` latent vectors from (seed, "z.sample"): row i is sample i whatever `count` is.
    public func latents(count: Int, seed: UInt64?) -> Tensor {
        RandomStream(seed: seed ?? config.seed, purpose: "z.sample").normal(rows: count, columns: config.latentDimension)
    }

    /// Samples, shaped [count] + the data's sample shape, from the generator in evaluation mode.
    public func samples(latents z: Tensor) -> Tensor {
        generator.isTraining = false
        return withoutGradients { generator(z) }.reshaped([z.shape[0]] + sampleShape)
    }

    /// Writes `count` samples to `url` (.npy: the values; .png: a grid or scatter plot) and
    /// optionally the latents; returns `url`. A picture of samples no picture can show
    /// throws before anything is generated or written.
    @discardableResult
    public func write(count: Int, seed: UInt64?, to url: URL, latentsTo latentsURL: URL?) throws -> URL {
        let picture: PictureKind?
        do {
            picture = url.pathExtension == "npy" ? nil : try PictureKind.of(sampleShape: sampleShape)
        } catch {
            throw CheckpointError.writeFailed(path: url.path, reason: "\(error); write the samples as .npy instead")
        }
        let z = latents(count: count, seed: seed)
        let values = samples(latents: z)
        do {
            switch picture {
            case nil:
                try NpyFile.write(values, to: url)
            case .scatter:
                var plot = ScatterPlot(width: 512, height: 512)
                try plot.add(points: values, color: .generated, radius: 2)
                try plot.write(to: url)
            case .imageGrid:
                try ImageGrid(images: values, pixelRange: .unit).write(to: url)
            }
            if let latentsURL { try NpyFile.write(z, to: latentsURL) }
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
