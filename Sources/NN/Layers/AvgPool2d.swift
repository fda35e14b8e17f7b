import Autograd

/// Averages non-overlapping k × k windows of [N, C, H, W] (PyTorch's `nn.AvgPool2d(k)`
/// with H and W divisible by k).
public final class AvgPool2d: ParameterlessModule {
    public let kernelSize: Int
    public var isTraining = true
    public init(kernelSize: Int) { self.kernelSize = kernelSize }
    public func callAsFunction(_ input: Tensor) -> Tensor { input.averagePooled(kernelSize) }
}
