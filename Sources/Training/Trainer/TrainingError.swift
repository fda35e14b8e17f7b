/// Why a run stopped before its last step, naming the step.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// A loss or gradient became NaN or infinite.
    case nonFinite(step: Int, network: String, what: String)
    /// Debug mode: the parameters' hashes differ between ranks after an update.
    case ranksDiverged(step: Int, network: String, ranks: [Int])
    /// The global batch cannot give every rank a sample.
    case batchSmallerThanRanks(origin: String, batchSize: Int, ranks: Int)
    /// `--resume` without a run directory to resume.
    case resumeNeedsRunDirectory

    public var description: String {
        switch self {
        case let .nonFinite(step, network, what):
            return "step \(step): \(network) \(what) is not finite (NaN or infinity); stopping"
        case let .ranksDiverged(step, network, ranks):
            return "step \(step): \(network) parameters differ across ranks (ranks \(ranks.map(String.init).joined(separator: ", ")) disagree with rank 0)"
        case let .batchSmallerThanRanks(origin, batchSize, ranks):
            return "\(origin): train.batch_size: \(batchSize) is smaller than the \(ranks) ranks; every rank needs at least one sample"
        case .resumeNeedsRunDirectory:
            return "--resume needs the run directory to resume: pass --run-dir DIR"
        }
    }
}
