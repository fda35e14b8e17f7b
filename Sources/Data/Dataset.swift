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
    /// The rows of a training batch: `batch(at:)` with the dataset's random augmentation
    /// (if any) applied, keyed by the critic `step` and each row's position in the global
    /// batch (`firstRow` + r), so every number of ranks sees the same augmented batch.
    func trainingBatch(at indices: [Int], step: Int, firstRow: Int) -> Tensor
}

/// A dataset of images ([C, H, W] samples) whose values lie in a known range.
public protocol ImageDataset: Dataset {
    /// Class label of each sample, when the files carry labels (for a classifier).
    var labels: [Int]? { get }
    /// The range sample values lie in (8-bit pixels are mapped onto it).
    var pixelRange: PixelRange { get }
}

extension Dataset {
    /// No augmentation: the samples as they are.
    public func trainingBatch(at indices: [Int], step: Int, firstRow: Int) -> Tensor {
        batch(at: indices)
    }

    /// True for [C, H, W] samples, false for points.
    public var holdsImages: Bool { sampleShape.count == 3 }
}
