import Foundation

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
    /// A new run in a directory that already holds one.
    case runDirectoryInUse(path: String, holds: String)
    /// A step of this global batch needs more memory than the ranks of a host have.
    case insufficientMemory(origin: String, batchSize: Int, ranks: Int, neededBytes: Double, perSampleBytes: Double, availableBytes: Double)

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
        case let .insufficientMemory(origin, batchSize, ranks, needed, perSample, available):
            return "\(origin): train.batch_size: \(batchSize) on \(ranks) rank\(ranks == 1 ? "" : "s") needs about \(bytes(needed)) per rank for a step "
                + "(\(bytes(perSample)) per sample, measured), but each rank here has \(bytes(available)) available; use a smaller batch or more hosts"
        case let .runDirectoryInUse(path, holds):
            return "\(path) already holds a run (\(holds)): continue it with --resume, or pass --start-over to move it aside and start a new run there"
        }
    }

    /// "1.5 GiB", "320 MiB", "12 KiB".
    private func bytes(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var (amount, unit) = (value, 0)
        while amount >= 1024 && unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        return String(format: amount < 10 ? "%.1f " : "%.0f ", amount) + units[unit]
    }
}
