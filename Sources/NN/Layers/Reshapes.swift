import Autograd

/// Flattens every axis after the batch axis: [N, ...] → [N, rest] (PyTorch's `nn.Flatten()`).
public final class Flatten: ParameterlessModule {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ input: Tensor) -> Tensor { input.flattenedBatch() }
}

/// Splits the feature axis of [N, features] into `shape`: [N] + shape
/// (PyTorch's `nn.Unflatten(1, shape)`).
public final class Unflatten: ParameterlessModule {
    public let shape: [Int]
    public var isTraining = true
    public init(shape: [Int]) { self.shape = shape }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(
            input.rank == 2 && input.shape[1] == shape.reduce(1, *),
            "Unflatten: input \(input.shape) is not [N, \(shape.reduce(1, *))] for shape \(shape)")
        return input.reshaped([input.shape[0]] + shape)
    }
}
