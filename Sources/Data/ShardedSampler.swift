import Autograd
import Synchronization

/// What to do with the samples left over at the end of an epoch when the
/// dataset size is not a multiple of the global batch.
public enum PartialBatch: String, Sendable, CaseIterable {
    /// Skip them: every batch is a full batch of distinct samples.
    case drop
    /// Complete the last batch from the start of the same epoch's order.
    case wrap
}

/// Decides which dataset indices make the global batch of each step, and which
/// contiguous slice of it each rank takes. Everything is a pure function of
/// (seed, step), so a trainer resuming from a checkpoint needs only the step,
/// and the global batch is the same whatever the number of ranks.
public final class ShardedSampler: Sendable {
    /// Number of samples, or nil for a generator that can draw any index.
    public let datasetCount: Int?
    public let globalBatch: Int
    public let worldSize: Int
    public let seed: UInt64
    public let partialBatch: PartialBatch

    /// The last epoch's order, kept because consecutive steps share an epoch.
    private let cachedOrder = Mutex<(epoch: Int, order: [Int])?>(nil)

    public init(datasetCount: Int?, globalBatch: Int, worldSize: Int, seed: UInt64, partialBatch: PartialBatch = .drop) throws {
        guard globalBatch >= 1 else { throw SamplerError.batchSizeTooSmall(batchSize: globalBatch) }
        guard worldSize >= 1 else { throw SamplerError.worldSizeTooSmall(worldSize: worldSize) }
        guard globalBatch >= worldSize else { throw SamplerError.batchSmallerThanWorld(batchSize: globalBatch, worldSize: worldSize) }
        if let count = datasetCount {
            guard count >= 1 else { throw SamplerError.emptyDataset }
            guard partialBatch == .wrap || globalBatch <= count else {
                throw SamplerError.batchLargerThanDataset(batchSize: globalBatch, datasetCount: count)
            }
        }
        self.datasetCount = datasetCount
        self.globalBatch = globalBatch
        self.worldSize = worldSize
        self.seed = seed
        self.partialBatch = partialBatch
    }

    /// Positions in a global batch of `batchSize` that `rank` takes: contiguous,
    /// sizes differing by at most one (the first batchSize % worldSize ranks take one more).
    public static func shard(batchSize: Int, rank: Int, worldSize: Int) -> Range<Int> {
        BalancedSplit.range(rank, of: worldSize, total: batchSize)
    }

    /// Batches in one epoch; nil for a generator.
    public var batchesPerEpoch: Int? {
        guard let count = datasetCount else { return nil }
        switch partialBatch {
        case .drop: return count / globalBatch
        case .wrap: return (count + globalBatch - 1) / globalBatch
        }
    }

    /// The epoch `step` falls in (always 0 for a generator).
    public func epoch(ofStep step: Int) -> Int {
        guard let perEpoch = batchesPerEpoch else { return 0 }
        return step / perEpoch
    }

    /// Dataset indices of the global batch at `step`, in batch order.
    public func globalIndices(step: Int) -> [Int] {
        precondition(step >= 0, "globalIndices: step \(step) is negative")
        guard let count = datasetCount, let perEpoch = batchesPerEpoch else {
            return Array((step * globalBatch)..<((step + 1) * globalBatch))
        }
        let order = epochOrder(step / perEpoch, count: count)
        let first = (step % perEpoch) * globalBatch
        // With .wrap the last batch runs past the end and continues from the start.
        return (first..<(first + globalBatch)).map { order[$0 % count] }
    }

    /// The slice of step's global batch that `rank` takes.
    public func localIndices(step: Int, rank: Int) -> [Int] {
        let positions = Self.shard(batchSize: globalBatch, rank: rank, worldSize: worldSize)
        return Array(globalIndices(step: step)[positions])
    }

    /// A permutation of 0..<count drawn from (seed, epoch) by Fisher–Yates.
    private func epochOrder(_ epoch: Int, count: Int) -> [Int] {
        if let cached = cachedOrder.withLock({ $0 }), cached.epoch == epoch { return cached.order }
        let keys = RandomStream(seed: seed, purpose: "shuffle", step: epoch).integers(below: 1 << 62, at: 0..<count)
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            order.swapAt(i, Int(keys[i] % UInt64(i + 1)))
        }
        cachedOrder.withLock { $0 = (epoch, order) }
        return order
    }
}
