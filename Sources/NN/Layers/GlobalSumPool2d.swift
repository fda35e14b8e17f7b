import Autograd

/// Sums each channel of [N, C, H, W] over all its pixels, giving [N, C] (SNGAN's ResNet
/// critics pool this way before their last Linear). PyTorch equivalent:
///
///     class GlobalSumPool2d(nn.Module):
///         def forward(self, x): return x.sum(dim=(2, 3))
public final class GlobalSumPool2d: ParameterlessModule {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(input.rank == 4, "GlobalSumPool2d: input \(input.shape) is not [N, C, H, W]")
        return input.sum(axes: [2, 3])
    }
}
