import Autograd

/// Keeps the top-left height × width pixels of [N, C, H, W] (PyTorch: `x[:, :, :height, :width]`).
/// The WGAN-GP MNIST generator crops 8×8 to 7×7 so that two more doublings give 28×28.
public final class Crop2d: ParameterlessModule {
    public let height: Int
    public let width: Int
    public var isTraining = true

    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(
            input.rank == 4 && input.shape[2] >= height && input.shape[3] >= width,
            "Crop2d: input \(input.shape) is not [N, C, H, W] with at least \(height)x\(width) pixels")
        return input.slice(axis: 2, 0..<height).slice(axis: 3, 0..<width)
    }
}
