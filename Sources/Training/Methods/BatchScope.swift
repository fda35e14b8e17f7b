import MPI

/// Over which samples a loss that couples samples is computed (`sw.scope`,
/// `sinkhorn.scope`): the global batch (exact, the same model on any number of ranks),
/// or each rank's own rows with the per-rank losses averaged, the smaller-batch
/// estimator a trainer without a differentiable gather computes, kept to measure what
/// the gather costs and changes.
public enum BatchScope: String, CaseIterable, Sendable {
    case global
    case rank

    /// The collectives and row counts a loss gathers over, and the factor that turns its
    /// value into this rank's share: `collectives` and `counts` themselves for `global`;
    /// for `rank`, one-process collectives over this rank's rows and 1/ranks.
    func lossCollectives(_ collectives: Collectives, counts: [Int]) -> (collectives: Collectives, counts: [Int], factor: Float) {
        switch self {
        case .global: (collectives, counts, 1)
        case .rank: (Collectives(comm: LocalCommunicator(), clock: collectives.clock), [counts[collectives.rank]], 1 / Float(collectives.size))
        }
    }

    static func key(_ method: String) -> ConfigKey {
        ConfigSchema.key(
            "\(method).scope", "\(method)-scope", .choice(of: BatchScope.self), .string("global"),
            "\(method): compute the loss over the global batch (exact on any number of ranks), or per rank on its own rows, averaged (a smaller-batch estimator, for comparison).")
    }
}
