import Autograd

/// A 2-D convolution (PyTorch's `nn.Conv2d` with square kernels): input [N, C, H, W],
/// weight [outChannels, inChannels, k, k], bias [outChannels]. Default initialization
/// is PyTorch's: U(±1/√(inChannels·k²)) for weight and bias.
public final class Conv2d: WeightedLayer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int
    public var isTraining = true
    public var outputAxis: Int { 0 }

    /// `seed` and `name` key the initial values as in `Linear`.
    public init(
        inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true,
        initializer: Initializer = .pytorchDefault, biasInitializer: Initializer? = nil, seed: UInt64 = 0,
        name: String = ""
    ) {
        (weight, self.bias) = ParameterSource(seed: seed, layerName: name).weightAndBias(
            weightShape: [outChannels, inChannels, kernelSize, kernelSize], biasCount: outChannels, withBias: bias,
            initializer: initializer, biasInitializer: biasInitializer)
        self.stride = stride
        self.padding = padding
    }

    public func forward(_ input: Tensor, weight: Tensor) -> Tensor {
        conv2d(input, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
