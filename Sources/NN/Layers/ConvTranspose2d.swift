import Autograd

/// A 2-D transposed convolution (PyTorch's `nn.ConvTranspose2d` with square kernels):
/// input [N, inChannels, H, W], weight [inChannels, outChannels, k, k] (PyTorch's layout),
/// bias [outChannels]; output side (H − 1)·stride − 2·padding + k + outputPadding.
/// Default initialization is PyTorch's, whose fan_in for this layout is outChannels·k²:
/// U(±1/√(outChannels·k²)) for weight and bias.
public final class ConvTranspose2d: WeightedLayer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int
    public let outputPadding: Int
    public var isTraining = true
    /// PyTorch's spectral_norm uses dim=1 for transposed convolutions.
    public var outputAxis: Int { 1 }

    /// `seed` and `name` key the initial values as in `Linear`.
    public init(
        inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0,
        bias: Bool = true, initializer: Initializer = .pytorchDefault, biasInitializer: Initializer? = nil,
        seed: UInt64 = 0, name: String = ""
    ) {
        (weight, self.bias) = ParameterSource(seed: seed, layerName: name).weightAndBias(
            weightShape: [inChannels, outChannels, kernelSize, kernelSize], biasCount: outChannels, withBias: bias, initializer: initializer,
            biasInitializer: biasInitializer)
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
    }

    public func forward(_ input: Tensor, weight: Tensor) -> Tensor {
        convTranspose2d(input, weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding)
    }
}
