/// A problem with a checkpoint or the run directory, naming the file and what was expected.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case missing(path: String)
    case corruptFile(path: String, reason: String)
    case checksumMismatch(path: String, expected: String, found: String)
    case mismatch(path: String, reason: String)
    case writeFailed(path: String, reason: String)
    case noValidCheckpoint(runDirectory: String, reasons: [String])

    public var description: String {
        switch self {
        case let .missing(path):
            return "\(path): no such file"
        case let .corruptFile(path, reason):
            return "\(path): corrupt: \(reason)"
        case let .checksumMismatch(path, expected, found):
            return "\(path): checksum \(found.prefix(12))... differs from \(expected.prefix(12))... recorded in state.json (the file is corrupt or incomplete)"
        case let .mismatch(path, reason):
            return "\(path): does not fit this run: \(reason)"
        case let .writeFailed(path, reason):
            return "\(path): cannot write: \(reason)"
        case let .noValidCheckpoint(runDirectory, reasons):
            return "\(runDirectory): no valid checkpoint to resume from" + (reasons.isEmpty ? "" : " (" + reasons.joined(separator: "; ") + ")")
        }
    }
}
