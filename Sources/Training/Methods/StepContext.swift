import Autograd
import Data

/// What a phase's loss may ask for on this rank: the rank's rows of the real
/// batch, random draws keyed by global sample index (so the global batch and its
/// noise do not depend on the number of ranks), the global batch size, and
/// collectives autograd differentiates through.
public final class StepContext {
    /// The phase being computed, and how many updates it has made before this one.
    public let phase: String
    public let phaseStep: Int
    /// Iterations completed before this one.
    public let iteration: Int
    public let seed: UInt64
    /// Samples in the global batch, and the positions of it this rank computes.
    public let globalBatch: Int
    public let shard: Range<Int>
    public let collectives: Collectives
    private let data: RealData

    init(phase: String, phaseStep: Int, iteration: Int, seed: UInt64, globalBatch: Int, collectives: Collectives, data: RealData) {
        self.phase = phase
        self.phaseStep = phaseStep
        self.iteration = iteration
        self.seed = seed
        self.globalBatch = globalBatch
        shard = BalancedSplit.range(collectives.rank, of: collectives.size, total: globalBatch)
        self.collectives = collectives
        self.data = data
    }

    /// 1 / global batch size: per-sample terms summed on a rank and scaled by this add up,
    /// over ranks, to the global mean.
    public var share: Float { 1 / Float(globalBatch) }

    /// Rows per rank of a global batch (for gathering per-sample values).
    public var rowCounts: [Int] { BalancedSplit.ranges(parts: collectives.size, total: globalBatch).map(\.count) }

    /// This rank's rows of the next global batch of real samples (each call draws a new one).
    public func realBatch() -> Tensor { data.next() }

    /// Standard normal draws for this rank's rows, `columns` per sample, from the stream
    /// (seed, purpose, phase step); `purpose` defaults to "z.<phase>".
    public func normal(_ purpose: String? = nil, columns: Int) -> Tensor {
        RandomStream(seed: seed, purpose: purpose ?? "z.\(phase)", step: phaseStep).normal(rows: shard.count, columns: columns, firstRow: shard.lowerBound)
    }

    /// Uniform draws in [0, 1) for this rank's rows, like `normal`.
    public func uniform(_ purpose: String, columns: Int = 1) -> Tensor {
        RandomStream(seed: seed, purpose: purpose, step: phaseStep).uniform(rows: shard.count, columns: columns, firstRow: shard.lowerBound)
    }

    /// Every rank's rows of per-sample values `x` (this rank's `shard.count` rows), in
    /// global order; differentiable (see `Collectives.allgather`).
    public func gatherBatch(_ x: Tensor) -> Tensor {
        collectives.allgather(x, counts: rowCounts)
    }
}

/// The real data, one global batch after another: batch k is the sampler's step k,
/// whichever phase draws it, so the data order is a pure function of (seed, k).
final class RealData {
    let dataset: any Dataset
    let sampler: ShardedSampler
    let rank: Int
    /// Global batches drawn so far.
    var cursor = 0

    init(dataset: any Dataset, sampler: ShardedSampler, rank: Int) {
        self.dataset = dataset
        self.sampler = sampler
        self.rank = rank
    }

    /// This rank's rows of global batch `cursor`, with the dataset's random augmentation
    /// (flips) keyed by the batch number and global row.
    func next() -> Tensor {
        defer { cursor += 1 }
        let shard = ShardedSampler.shard(batchSize: sampler.globalBatch, rank: rank, worldSize: sampler.worldSize)
        return dataset.trainingBatch(at: sampler.localIndices(step: cursor, rank: rank), step: cursor, firstRow: shard.lowerBound)
    }
}
