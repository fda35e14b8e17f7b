/// An error from the MPI layer: a failing MPI call (with MPI's own message),
/// or an argument this wrapper refuses before calling MPI.
public enum MPIError: Error, CustomStringConvertible, Equatable {
    /// An MPI routine returned an error code; `message` is MPI_Error_string's text.
    case callFailed(call: String, code: Int32, message: String)
    /// An element count does not fit the 32-bit count an MPI routine takes.
    case countOverflow(call: String, count: Int, limit: Int)
    /// An argument that would make the collective wrong (root out of range, sizes that differ).
    case invalidArgument(call: String, reason: String)
    /// Another rank of an in-process group failed, so this collective cannot complete.
    case peerFailed(call: String, rank: Int)

    public var description: String {
        switch self {
        case let .callFailed(call, code, message):
            return "\(call) failed with MPI error \(code): \(message)"
        case let .countOverflow(call, count, limit):
            return "\(call): element count \(count) exceeds MPI's limit of \(limit) per call"
        case let .invalidArgument(call, reason):
            return "\(call): \(reason)"
        case let .peerFailed(call, rank):
            return "\(call): rank \(rank) of the in-process group failed, so the collective cannot complete"
        }
    }
}
