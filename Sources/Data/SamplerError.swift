/// A batch size, rank count or dataset size the sampler cannot split into
/// batches. Descriptions are one line naming the setting and what was expected.
public enum SamplerError: Error, CustomStringConvertible, Equatable {
    /// The global batch size is below 1.
    case batchSizeTooSmall(batchSize: Int)
    /// The number of ranks is below 1.
    case worldSizeTooSmall(worldSize: Int)
    /// Fewer samples per batch than ranks: some rank would get none.
    case batchSmallerThanWorld(batchSize: Int, worldSize: Int)
    /// The dataset holds no samples.
    case emptyDataset
    /// With partial batches dropped, not even one full batch fits in the dataset.
    case batchLargerThanDataset(batchSize: Int, datasetCount: Int)

    public var description: String {
        switch self {
        case let .batchSizeTooSmall(batchSize):
            return "batch size \(batchSize) is invalid: expected at least 1"
        case let .worldSizeTooSmall(worldSize):
            return "world size \(worldSize) is invalid: expected at least 1 rank"
        case let .batchSmallerThanWorld(batchSize, worldSize):
            return "batch size \(batchSize) is smaller than the \(worldSize) ranks: every rank needs at least one sample"
        case .emptyDataset:
            return "dataset size 0: the dataset holds no samples, expected at least one"
        case let .batchLargerThanDataset(batchSize, datasetCount):
            return "batch size \(batchSize) exceeds the dataset's \(datasetCount) samples: with partial batches dropped no batch fits; use a batch size of at most \(datasetCount) or wrap partial batches"
        }
    }
}
