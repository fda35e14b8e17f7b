import Autograd

/// The first `count` images of a fixed shuffle of a dataset: a small training set (the
/// low-data setting of ADA and DiffAugment) that does not depend on the file's order
/// (MNIST subsets are often sorted by class) nor on the run's seed, so every run with
/// the same limit trains on the same images. The chosen images keep their file order.
public final class ImageSubset: ImageDataset {
    public let base: any ImageDataset
    /// Indices into `base` of the images kept, ascending.
    public let indices: [Int]

    /// The subset of `limit` images of `base` (which holds at least that many).
    public init(_ base: any ImageDataset, limit: Int) {
        let total = base.count ?? 0
        precondition(limit >= 1 && limit <= total, "ImageSubset: \(limit) of \(total) images")
        let keys = RandomStream(seed: 0, purpose: "data.limit").integers(below: 1 << 62, at: 0..<total)
        var order = Array(0..<total)
        for i in stride(from: total - 1, to: 0, by: -1) {
            order.swapAt(i, Int(keys[i] % UInt64(i + 1)))
        }
        self.base = base
        indices = order.prefix(limit).sorted()
    }

    public var name: String { "\(base.name) (\(indices.count) images)" }
    public var count: Int? { indices.count }
    public var sampleShape: [Int] { base.sampleShape }
    public var labels: [Int]? { base.labels.map { labels in indices.map { labels[$0] } } }
    public var pixelRange: PixelRange { base.pixelRange }

    public func batch(at indices: [Int]) -> Tensor {
        base.batch(at: indices.map { self.indices[$0] })
    }
}
