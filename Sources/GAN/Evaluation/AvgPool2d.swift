import Autograd
import NN

/// Averages non-overlapping k×k windows of [N, C, H, W] (PyTorch's `nn.AvgPool2d(k)`
/// with H and W divisible by k). Internal to evaluation: NN may grow its own.
final class AvgPool2d: ParameterlessModule {
    let kernelSize: Int
    var isTraining = true
    init(kernelSize: Int) { self.kernelSize = kernelSize }
    func callAsFunction(_ input: Tensor) -> Tensor { input.averagePooled(kernelSize) }
}
