import Autograd

/// Where a layer's initial values come from: the model seed and the layer's name
/// inside the model ("0", "3"; empty for a standalone layer).
struct ParameterSource {
    let seed: UInt64
    let layerName: String

    /// The full name of one of the layer's tensors ("0.weight"), as it appears in the model.
    func fullName(_ tensorName: String) -> String {
        layerName.isEmpty ? tensorName : "\(layerName).\(tensorName)"
    }

    /// The random stream for one of the layer's tensors, keyed by the seed and its full name.
    func stream(for tensorName: String) -> RandomStream {
        RandomStream(seed: seed, purpose: "init:" + fullName(tensorName))
    }

    /// A new parameter (a leaf that requires gradients) of `shape` drawn with `initializer`.
    func parameter(_ tensorName: String, shape: [Int], initializer: Initializer, fans: Fans) -> Tensor {
        initializer.values(shape: shape, fans: fans, stream: stream(for: tensorName)).requiringGrad()
    }

    /// A weight of `weightShape` and, when `withBias`, a bias of `biasCount` values, drawn
    /// as PyTorch's layers draw them: the bias from the weight's fans (its default
    /// initializer unless one is given).
    func weightAndBias(
        weightShape: [Int], biasCount: Int, withBias: Bool, initializer: Initializer, biasInitializer: Initializer?
    ) -> (weight: Tensor, bias: Tensor?) {
        let fans = Fans(weightShape: weightShape)
        let weight = parameter("weight", shape: weightShape, initializer: initializer, fans: fans)
        let bias = withBias
            ? parameter("bias", shape: [biasCount], initializer: biasInitializer ?? initializer.defaultBiasInitializer, fans: fans)
            : nil
        return (weight, bias)
    }
}
