import Formats
import Autograd
import Data
import Foundation
import MPI
import NN

/// `tandem eval` for one run: rank 0 reads the run's configuration and checkpoint and
/// shares them, every rank rebuilds the method and evaluates its share, rank 0 reports
/// and appends to metrics.jsonl.
public struct RunEvaluation {
    public let runDirectory: RunDirectory
    public let step: Int?
    public let useEMA: Bool
    public let samples: Int?
    public let classifier: String?
    /// Compare with every image of the dataset, also when the run trained on `data.limit` of them.
    public let allData: Bool
    /// Measure held-out real data in place of the generator (`Evaluator.evaluateHeldOutData`);
    /// the result is printed, not appended to metrics.jsonl.
    public let realBaseline: Bool

    public init(
        runDirectory: RunDirectory, step: Int?, useEMA: Bool, samples: Int?, classifier: String?, allData: Bool = false, realBaseline: Bool = false
    ) throws {
        self.runDirectory = runDirectory
        self.step = step
        self.useEMA = useEMA
        self.samples = samples
        self.classifier = classifier
        self.allData = allData
        self.realBaseline = realBaseline
    }

    /// Evaluates on every rank; returns the JSON line on rank 0 (nil elsewhere).
    public func run(on comm: any Communicator) throws -> String? {
        // Rank 0 reads the files (other hosts may not see the run directory) and shares them.
        let shared = try comm.broadcastBytes(try comm.agree { comm.rank == 0 ? Array(try filesOnRankZero()) : [] }, root: 0)
        let (sampler, dataset) = try comm.agree { () -> (RunSampler, any Dataset) in
            let (files, metadata) = try StateBlob.decode(Data(shared), origin: "checkpoint from rank 0")
            var values = ConfigValues()
            try values.merge(yamlText: metadata["config"] ?? "", origin: runDirectory.configFile.path)
            if allData { try values.apply(flags: ["--data-limit", "null"]) }
            let config = try TrainingConfiguration(values)
            let state = try JSONDecoder().decode(TrainingState.self, from: Data((metadata["state"] ?? "").utf8))
            let sampler = try RunSampler(config: config, state: state, files: files, averaged: useEMA) { "checkpoint from rank 0: \($0)" }
            return (sampler, try DatasetFactory.make(config, comm: comm))
        }
        var settings = sampler.config.evaluation
        if let samples { settings.samples = samples }
        if let classifier { settings.classifier = classifier }
        let evaluator = try comm.agree { try Evaluator(comm: comm, dataset: dataset, settings: settings) }
        let results = try realBaseline ? evaluator.evaluateHeldOutData() : evaluator.evaluate(source: sampler.source)
        guard comm.rank == 0 else { return nil }
        var line = JSONLine()
        if realBaseline {
            line["eval_real_baseline"] = true
        } else {
            line["step"] = sampler.step
            line["eval_ema"] = useEMA
        }
        if allData { line["eval_all_data"] = true }
        for (name, value) in results { line[name] = value }
        if !realBaseline { try MetricsLog(url: runDirectory.metricsFile).append(line) }
        return line.text
    }

    /// config.yaml, state.json and the checkpoint's files as one blob.
    private func filesOnRankZero() throws -> Data {
        let (_, checkpoint) = try RunSampler.load(runDirectory: runDirectory, step: step)
        let configText = try String(contentsOf: runDirectory.configFile, encoding: .utf8)
        let state = String(decoding: try JSONEncoder().encode(checkpoint.state), as: UTF8.self)
        let files = checkpoint.files.sorted { $0.key < $1.key }.map { file, tensors in
            (name: file, tensors: NamedTensors(tensors.sorted { $0.key < $1.key }.map { (name: $0.key, tensor: $0.value) }))
        }
        return StateBlob.encode(files, metadata: ["config": configText, "state": state])
    }
}
