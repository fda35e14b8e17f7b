import Autograd
import Data
import Foundation
import MPI
import NN

/// `tandem eval` for one run: rank 0 reads the run's configuration and checkpoint and
/// shares them, every rank evaluates its share, rank 0 reports and appends to metrics.jsonl.
public struct RunEvaluation {
    public let runDirectory: RunDirectory
    public let step: Int?
    public let useEMA: Bool
    public let samples: Int?
    public let classifier: String?

    public init(runDirectory: RunDirectory, step: Int?, useEMA: Bool, samples: Int?, classifier: String?) throws {
        self.runDirectory = runDirectory
        self.step = step
        self.useEMA = useEMA
        self.samples = samples
        self.classifier = classifier
    }

    /// Evaluates on every rank; returns the JSON line on rank 0 (nil elsewhere).
    public func run(on comm: any Communicator) throws -> String? {
        // Rank 0 reads the files (other hosts may not see the run directory) and shares them.
        let shared = try comm.broadcastBytes(
            try comm.agree { comm.rank == 0 ? try filesOnRankZero() : [] }, root: 0)
        let (configText, state, weights) = try comm.agree { try Self.unpack(shared) }
        let (config, generator, dataset) = try comm.agree { () -> (TrainingConfiguration, any Module, any Dataset) in
            var values = ConfigValues()
            try values.merge(yamlText: configText, origin: runDirectory.configFile.path)
            let config = try TrainingConfiguration(values)
            let generator = try ModelFactory(config: config, sampleShape: state.sampleShape).generator()
            try generator.loadState(weights)
            return (config, generator, try DatasetFactory.make(config, comm: comm))
        }
        var settings = config.evaluation
        if let samples { settings.samples = samples }
        if let classifier { settings.classifier = classifier }
        let evaluator = try comm.agree { try Evaluator(comm: comm, dataset: dataset, latentDimension: config.latentDimension, settings: settings) }
        let results = try evaluator.evaluate(generator: generator)
        guard comm.rank == 0 else { return nil }
        var line = JSONLine()
        line["step"] = state.step
        line["eval_ema"] = useEMA
        for (name, value) in results { line[name] = value }
        try MetricsLog(url: runDirectory.metricsFile).append(line)
        return line.text
    }

    /// config.yaml, state.json and the generator's (or its EMA's) weights, length-prefixed.
    private func filesOnRankZero() throws -> [UInt8] {
        let sampler = try GeneratorSampler(runDirectory: runDirectory, step: step, useEMA: useEMA)
        let configText = try String(contentsOf: runDirectory.configFile, encoding: .utf8)
        let state = try JSONEncoder().encode(sampler.state)
        let weights = SafeTensors.encode(sampler.generator.stateDictionary())
        return [Array(configText.utf8), Array(state), Array(weights)].flatMap { part in
            withUnsafeBytes(of: UInt64(part.count).littleEndian, Array.init) + part
        }
    }

    private static func unpack(_ bytes: [UInt8]) throws -> (String, TrainingState, [String: Tensor]) {
        var parts: [[UInt8]] = []
        var offset = 0
        while offset + 8 <= bytes.count {
            let length = Int(bytes[offset..<(offset + 8)].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
            parts.append(Array(bytes[(offset + 8)..<(offset + 8 + length)]))
            offset += 8 + length
        }
        let state = try JSONDecoder().decode(TrainingState.self, from: Data(parts[1]))
        let entries = try SafeTensors.decode(Data(parts[2]), file: "generator weights from rank 0").entries
        return (
            String(decoding: parts[0], as: UTF8.self), state,
            Dictionary(uniqueKeysWithValues: entries.map { ($0.name, Tensor(shape: $0.shape, scalars: $0.values)) })
        )
    }
}
