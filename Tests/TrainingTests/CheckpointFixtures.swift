import Autograd
import Foundation

@testable import Training

/// Small checkpoints whose values depend on the step, so two checkpoints never look alike.
enum CheckpointFixtures {
    static func contents(step: Int, withEMA: Bool = true) -> CheckpointContents {
        let s = Float(step)
        return CheckpointContents(
            generator: [
                ("0.weight", Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6].map { $0 + s })), ("0.bias", Tensor([s, -s, 0.5])),
            ],
            generatorEMA: withEMA ? [("0.weight", Tensor(shape: [3, 2], scalars: [6, 5, 4, 3, 2, 1].map { $0 * s })), ("0.bias", Tensor([0, 1, 2]))] : nil,
            critic: [("0.weight", Tensor(shape: [1, 2], scalars: [-s, 0.25])), ("0.bias", Tensor([s / 4]))],
            optimizers: [("generator.step", Tensor(s)), ("critic.0.weight.exp_avg", Tensor(shape: [1, 2], scalars: [0.125, s]))],
            state: state(step: step))
    }

    static func state(step: Int) -> TrainingState {
        TrainingState(step: step, criticStep: 5 * step, seed: 7, worldSize: 2, globalBatch: 64, sampleShape: [2])
    }

    static let files = [
        "generator.safetensors", "generator_ema.safetensors", "critic.safetensors", "optimizers.safetensors", "state.json",
    ]
}

extension Dictionary where Key == String, Value == Tensor {
    /// Name -> (shape, values), for comparing loaded tensors with what was written.
    var summary: [String: [[Float]]] {
        mapValues { [$0.shape.map(Float.init), $0.scalars] }
    }
}

/// Name -> (shape, values) of named tensors.
func summary(_ tensors: [(name: String, tensor: Tensor)]) -> [String: [[Float]]] {
    Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, [$0.tensor.shape.map(Float.init), $0.tensor.scalars]) })
}
