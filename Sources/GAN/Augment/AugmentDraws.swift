import Autograd

/// The random numbers of one augmentation of a batch: each transform draws from its
/// own stream (seed, "<purpose>.<transform>", step), row r belonging to global sample
/// `firstRow + r`. Nothing depends on the rank, so an augmented global batch is the
/// same on any number of ranks, and adding a transform leaves the others' draws alone.
public struct AugmentDraws: Sendable {
    public let seed: UInt64
    public let purpose: String
    public let step: Int
    /// Global index of this batch's first row.
    public let firstRow: Int

    public init(seed: UInt64, purpose: String, step: Int, firstRow: Int) {
        self.seed = seed
        self.purpose = purpose
        self.step = step
        self.firstRow = firstRow
    }

    /// `columns` uniform numbers in [0, 1) per sample, for `rows` samples.
    public func uniform(_ transform: String, rows: Int, columns: Int) -> [[Float]] {
        split(stream(transform).uniform(rows: rows, columns: columns, firstRow: firstRow), columns)
    }

    /// `columns` standard normal numbers per sample.
    public func normal(_ transform: String, rows: Int, columns: Int) -> [[Float]] {
        split(stream(transform).normal(rows: rows, columns: columns, firstRow: firstRow), columns)
    }

    private func stream(_ transform: String) -> RandomStream {
        RandomStream(seed: seed, purpose: purpose + "." + transform, step: step)
    }

    private func split(_ matrix: Tensor, _ columns: Int) -> [[Float]] {
        let values = matrix.scalars
        return (0..<matrix.shape[0]).map { Array(values[($0 * columns)..<(($0 + 1) * columns)]) }
    }
}
