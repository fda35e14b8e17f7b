import Autograd

/// A layer built around one weight tensor that it can also apply with a replacement
/// weight, so `SpectralNorm` can normalize the weight without copying the layer.
public protocol WeightedLayer: Module {
    /// The trainable weight, in PyTorch's layout for this layer.
    var weight: Tensor { get }
    /// The trainable bias, if the layer has one.
    var bias: Tensor? { get }
    /// The weight axis PyTorch's `spectral_norm` treats as the output (rows of the
    /// matrix whose largest singular value is normalized): 0, or 1 for transposed convolutions.
    var outputAxis: Int { get }
    /// The layer applied with `weight` in place of its own (same shape).
    func forward(_ input: Tensor, weight: Tensor) -> Tensor
}

extension WeightedLayer {
    public func callAsFunction(_ input: Tensor) -> Tensor { forward(input, weight: weight) }

    /// "weight", then "bias" if present (PyTorch's order).
    public var namedParameters: NamedTensors {
        [(name: "weight", tensor: weight)] + (bias.map { [(name: "bias", tensor: $0)] } ?? [])
    }

    public var namedBuffers: NamedTensors { [] }
}
