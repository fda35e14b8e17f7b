import Autograd

/// A source of training samples. Datasets are immutable once loaded and are
/// read by several threads at once, so `batch(at:)` must not mutate state.
public protocol Dataset: AnyObject, Sendable {
    /// A short name for logs ("mnist", "8gaussians", a file name).
    var name: String { get }
    /// Number of samples; nil for generators that can draw any index.
    var count: Int? { get }
    /// Shape of one sample: [D] for points, [C, H, W] for images.
    var sampleShape: [Int] { get }
    /// Samples at `indices`, stacked into a Float32 tensor of shape [indices.count] + sampleShape.
    func batch(at indices: [Int]) -> Tensor
}

/// A dataset of images ([C, H, W] samples) whose values lie in a known range.
public protocol ImageDataset: Dataset {
    /// Class label of each sample, when the files carry labels (for a classifier).
    var labels: [Int]? { get }
    /// The range sample values lie in (8-bit pixels are mapped onto it).
    var pixelRange: PixelRange { get }
}

extension Dataset {
    /// True for [C, H, W] samples, false for points.
    public var holdsImages: Bool { sampleShape.count == 3 }
}
