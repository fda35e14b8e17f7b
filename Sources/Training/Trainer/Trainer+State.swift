import Autograd
import Foundation
import GAN
import NN

/// The trainer's full state as named tensors: what a checkpoint stores and what
/// rank 0 broadcasts when a run starts or resumes.
extension Trainer {
    private enum Prefix {
        static let generator = "generator."
        static let ema = "generator_ema."
        static let critic = "critic."
        static let generatorOptimizer = "optimizer.generator."
        static let criticOptimizer = "optimizer.critic."
    }

    /// The checkpoint of the current step.
    func checkpointContents() -> CheckpointContents {
        CheckpointContents(
            generator: generator.stateDictionary(), generatorEMA: ema?.namedAverages, critic: critic.stateDictionary(),
            optimizers: prefixed("generator.", generatorOptimizer.stateTensors()) + prefixed("critic.", criticOptimizer.stateTensors()),
            state: TrainingState(
                step: step, criticStep: criticStep, seed: config.seed, worldSize: comm.size, globalBatch: config.batchSize,
                sampleShape: dataset.sampleShape))
    }

    /// Loads a checkpoint into the models, optimizers and counters (rank 0, before the broadcast).
    func restore(from checkpoint: LoadedCheckpoint) throws {
        func file(_ name: String, _ load: () throws -> Void) throws {
            do {
                try load()
            } catch {
                throw CheckpointError.mismatch(path: checkpoint.directory.appendingPathComponent(name).path, reason: "\(error)")
            }
        }
        try file("generator.safetensors") { try generator.loadState(checkpoint.generator) }
        try file("critic.safetensors") { try critic.loadState(checkpoint.critic) }
        if let ema {
            try file("generator_ema.safetensors") {
                // A checkpoint of a run without EMA starts the average from the generator.
                try ema.load(checkpoint.generatorEMA ?? checkpoint.generator)
            }
        }
        try file("optimizers.safetensors") {
            try generatorOptimizer.loadState(unprefixed("generator.", checkpoint.optimizers))
            try criticOptimizer.loadState(unprefixed("critic.", checkpoint.optimizers))
        }
        step = checkpoint.state.step
        criticStep = checkpoint.state.criticStep
    }

    /// Every state tensor and the step counters as one safetensors blob.
    func encodeState() -> Data {
        var tensors = prefixed(Prefix.generator, generator.stateDictionary()) + prefixed(Prefix.critic, critic.stateDictionary())
        tensors += prefixed(Prefix.ema, ema?.namedAverages ?? [])
        tensors += prefixed(Prefix.generatorOptimizer, generatorOptimizer.stateTensors())
        tensors += prefixed(Prefix.criticOptimizer, criticOptimizer.stateTensors())
        return SafeTensors.encode(tensors, metadata: ["step": String(step), "critic_step": String(criticStep)])
    }

    /// Adopts a blob made by `encodeState` on rank 0.
    func decodeState(_ data: Data) throws {
        let (entries, metadata) = try SafeTensors.decode(data, file: "state broadcast from rank 0")
        let all = entries.map { (name: $0.name, tensor: Tensor(shape: $0.shape, scalars: $0.values)) }
        try generator.loadState(unprefixed(Prefix.generator, all))
        try critic.loadState(unprefixed(Prefix.critic, all))
        try ema?.load(unprefixed(Prefix.ema, all))
        try generatorOptimizer.loadState(unprefixed(Prefix.generatorOptimizer, all))
        try criticOptimizer.loadState(unprefixed(Prefix.criticOptimizer, all))
        step = Int(metadata["step"] ?? "0") ?? 0
        criticStep = Int(metadata["critic_step"] ?? "0") ?? 0
    }

    private func prefixed(_ prefix: String, _ tensors: [(name: String, tensor: Tensor)]) -> [(name: String, tensor: Tensor)] {
        tensors.map { (prefix + $0.name, $0.tensor) }
    }

    private func unprefixed(_ prefix: String, _ tensors: [(name: String, tensor: Tensor)]) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, tensor) in tensors where name.hasPrefix(prefix) { result[String(name.dropFirst(prefix.count))] = tensor }
        return result
    }

    private func unprefixed(_ prefix: String, _ tensors: [String: Tensor]) -> [String: Tensor] {
        unprefixed(prefix, tensors.map { (name: $0.key, tensor: $0.value) })
    }
}
