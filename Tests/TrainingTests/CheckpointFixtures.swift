import Autograd
import Foundation

@testable import Training

/// Small checkpoints whose values depend on the step, so two checkpoints never look alike.
enum CheckpointFixtures {
    static func contents(step: Int, withEMA: Bool = true) -> CheckpointContents {
        let s = Float(step)
        var files: [(name: String, tensors: NamedTensors)] = [
            (
                "generator.safetensors",
                [("0.weight", Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6].map { $0 + s })), ("0.bias", Tensor([s, -s, 0.5]))]
            ),
            ("critic.safetensors", [("0.weight", Tensor(shape: [1, 2], scalars: [-s, 0.25])), ("0.bias", Tensor([s / 4]))]),
            ("optimizers.safetensors", [("generator.step", Tensor(s)), ("critic.0.weight.exp_avg", Tensor(shape: [1, 2], scalars: [0.125, s]))]),
        ]
        if withEMA {
            files.insert(
                ("generator_ema.safetensors", [("0.weight", Tensor(shape: [3, 2], scalars: [6, 5, 4, 3, 2, 1].map { $0 * s })), ("0.bias", Tensor([0, 1, 2]))]),
                at: 1)
        }
        return CheckpointContents(files: files, state: state(step: step))
    }

    static func state(step: Int) -> TrainingState {
        TrainingState(
            step: step, phaseSteps: ["critic": 5 * step, "generator": step], dataStep: 5 * step, method: "adversarial", seed: 7, worldSize: 2,
            globalBatch: 64, sampleShape: [2])
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

extension CheckpointContents {
    /// The tensors written to `file`.
    func tensors(_ file: String) -> NamedTensors? {
        files.first { $0.name == file }?.tensors
    }
}

/// Name -> (shape, values) of named tensors.
func summary(_ tensors: NamedTensors) -> [String: [[Float]]] {
    Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, [$0.tensor.shape.map(Float.init), $0.tensor.scalars]) })
}
