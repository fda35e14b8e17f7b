import Autograd

/// Layer normalization over the trailing axes given by `shape` (PyTorch's
/// `nn.LayerNorm(shape)`): each sample is normalized with its own mean and biased
/// variance, then scaled by `weight` (starts at 1) and shifted by `bias` (starts at 0).
public final class LayerNorm: Module {
    public let shape: [Int]
    public let eps: Float
    public let weight: Tensor
    public let bias: Tensor
    public var isTraining = true

    public init(shape: [Int], eps: Float = 1e-5) {
        self.shape = shape
        self.eps = eps
        weight = Tensor.ones(shape).requiringGrad()
        bias = Tensor.zeros(shape).requiringGrad()
    }

    public var namedParameters: NamedTensors {
        [(name: "weight", tensor: weight), (name: "bias", tensor: bias)]
    }

    public var namedBuffers: NamedTensors { [] }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(
            input.rank > shape.count && Array(input.shape.suffix(shape.count)) == shape,
            "LayerNorm: input \(input.shape) does not end with the normalized shape \(shape)")
        let axes = Array((input.rank - shape.count)..<input.rank)
        let centered = input - input.mean(axes: axes, keepDims: true)
        let variance = centered.square().mean(axes: axes, keepDims: true)
        return centered / (variance + eps).sqrt() * weight + bias
    }
}
