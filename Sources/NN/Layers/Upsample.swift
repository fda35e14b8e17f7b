import Autograd

/// Nearest-neighbour upsampling of [N, C, H, W] by a whole factor: each pixel becomes a
/// factor × factor block (PyTorch's `nn.Upsample(scale_factor=factor)`, mode "nearest").
public final class Upsample: ParameterlessModule {
    public let factor: Int
    public var isTraining = true
    public init(factor: Int = 2) { self.factor = factor }
    public func callAsFunction(_ input: Tensor) -> Tensor { input.upsampledNearest(factor) }
}
