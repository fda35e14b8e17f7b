import Autograd

/// A fully connected layer, y = x·Wᵀ + b (PyTorch's `nn.Linear`): input [N, inputs],
/// weight [outputs, inputs], bias [outputs]. Default initialization is PyTorch's:
/// U(±1/√inputs) for weight and bias.
public final class Linear: WeightedLayer {
    public let weight: Tensor
    public let bias: Tensor?
    public var isTraining = true
    public var outputAxis: Int { 0 }

    /// - `biasInitializer`: nil takes `initializer.defaultBiasInitializer`.
    /// - `seed`, `name`: the model seed and this layer's name in the model ("0"); the
    ///   initial values are a pure function of the two and the tensor name.
    public init(
        inputs: Int, outputs: Int, bias: Bool = true, initializer: Initializer = .pytorchDefault,
        biasInitializer: Initializer? = nil, seed: UInt64 = 0, name: String = ""
    ) {
        (weight, self.bias) = ParameterSource(seed: seed, layerName: name).weightAndBias(
            weightShape: [outputs, inputs], biasCount: outputs, withBias: bias, initializer: initializer,
            biasInitializer: biasInitializer)
    }

    public func forward(_ input: Tensor, weight: Tensor) -> Tensor {
        linear(input, weight: weight, bias: bias)
    }
}
