import Foundation

/// The communicator of a single process with no MPI: every collective is the identity.
/// The debug mode trains with it, so a run needs neither mpirun nor MPI_Init.
public final class LocalCommunicator: Communicator {
    public init() {}

    public var rank: Int { 0 }
    public var size: Int { 1 }
    public var localRank: Int { 0 }
    public var localSize: Int { 1 }
    public var hostname: String { ProcessInfo.processInfo.hostName }

    public func allreduce<T: MPIScalar>(_ buffer: UnsafeMutableBufferPointer<T>, _ op: ReduceOp) throws {}

    public func duplicate() throws -> any Communicator { LocalCommunicator() }

    public func broadcast<T: MPIScalar>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws {
        try checkRoot(root, call: "broadcast")
    }

    public func barrier() throws {}

    public func allgather<T: MPIScalar>(_ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>)
        throws
    {
        guard receive.count == send.count else {
            throw MPIError.invalidArgument(
                call: "allgather", reason: "receive holds \(receive.count) elements, expected \(send.count)")
        }
        if send.count > 0 { receive.baseAddress!.update(from: send.baseAddress!, count: send.count) }
    }

    public func reduceScatter<T: MPIScalar>(_ buffer: UnsafeMutableBufferPointer<T>, counts: [Int], _ op: ReduceOp) throws {
        _ = try partOffsets(counts, total: buffer.count, call: "reduceScatter")
    }

    public func allgather<T: MPIScalar>(inPlace buffer: UnsafeMutableBufferPointer<T>, counts: [Int]) throws {
        _ = try partOffsets(counts, total: buffer.count, call: "allgather")
    }

    public func allgatherv<T: MPIScalar>(_ send: UnsafeBufferPointer<T>) throws -> [[T]] {
        [Array(send)]
    }

    public func gather<T: MPIScalar>(_ send: UnsafeBufferPointer<T>, root: Int) throws -> [[T]] {
        try checkRoot(root, call: "gather")
        return [Array(send)]
    }

    public func abort(code: Int32) -> Never {
        exit(code)
    }
}
