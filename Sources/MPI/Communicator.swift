/// A group of ranks that run the same program and meet in collectives.
///
/// Every rank must call the same collectives in the same order with the same
/// element counts (except where a call says otherwise). Three implementations
/// share this face: `MPICommunicator` (real MPI), `LocalCommunicator` (one
/// process, no MPI) and `ThreadCommunicator` (N ranks as threads of one process).
public protocol Communicator: AnyObject {
    /// This rank's index, 0..<size.
    var rank: Int { get }
    /// How many ranks take part.
    var size: Int { get }
    /// This rank's index among the ranks on the same host.
    var localRank: Int { get }
    /// How many ranks share this host.
    var localSize: Int { get }
    /// The name of the host this rank runs on.
    var hostname: String { get }

    /// Reduces `buffer` elementwise across ranks, leaving the result in `buffer` on every rank.
    func allreduce<T: MPIScalar>(_ buffer: UnsafeMutableBufferPointer<T>, _ op: ReduceOp) throws
    /// Copies `buffer` from rank `root` into `buffer` on every other rank.
    func broadcast<T: MPIScalar>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws
    /// Returns once every rank has called it.
    func barrier() throws
    /// Concatenates every rank's `send` (equal counts) into `receive`, in rank order, on every rank.
    func allgather<T: MPIScalar>(_ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>)
        throws
    /// Reduces `buffer` (the same count on every rank) and leaves on each rank only its
    /// own part of the result: rank r's `counts[r]` elements, starting at the sum of the
    /// counts before it. The rest of `buffer` is unspecified afterwards.
    func reduceScatter<T: MPIScalar>(_ buffer: UnsafeMutableBufferPointer<T>, counts: [Int], _ op: ReduceOp) throws
    /// The in-place inverse: each rank's part of `buffer` (laid out as for `reduceScatter`)
    /// is copied into the same place on every other rank.
    func allgather<T: MPIScalar>(inPlace buffer: UnsafeMutableBufferPointer<T>, counts: [Int]) throws
    /// Every rank's `send` (counts may differ), indexed by rank, on every rank.
    func allgatherv<T: MPIScalar>(_ send: UnsafeBufferPointer<T>) throws -> [[T]]
    /// Every rank's `send` (counts may differ), indexed by rank, on `root`; `[]` elsewhere.
    func gather<T: MPIScalar>(_ send: UnsafeBufferPointer<T>, root: Int) throws -> [[T]]
    /// Ends every rank of the job at once with `code`; for failures only one rank sees.
    func abort(code: Int32) -> Never

    /// A communicator over the same ranks whose collectives are ordered apart from this
    /// one's, so another thread can run its own sequence of collectives (MPI_Comm_dup).
    /// Every rank must call it.
    func duplicate() throws -> any Communicator
    /// Starts `allgather(inPlace:counts:)`; `buffer` must stay alive and untouched until completion.
    func iallgather<T: MPIScalar>(inPlace buffer: UnsafeMutableBufferPointer<T>, counts: [Int]) throws -> any CollectiveRequest
    /// Starts an all-to-all exchange: `send` holds `sendCounts[s]` elements for each rank s
    /// in rank order (its own included), and `receive` gets `receiveCounts[s]` elements from
    /// each rank s in rank order. Buffers stay alive and untouched until completion.
    func ialltoallv<T: MPIScalar>(
        _ send: UnsafeBufferPointer<T>, sendCounts: [Int], into receive: UnsafeMutableBufferPointer<T>, receiveCounts: [Int]
    ) throws -> any CollectiveRequest
}

/// A collective started without blocking. Non-blocking collectives on one
/// communicator must be started in the same order on every rank.
public protocol CollectiveRequest: AnyObject {
    /// Whether the collective has completed (its result is in place), moving it along.
    func test() throws -> Bool
    /// Blocks until the collective is complete and its result is in place.
    func wait() throws
}

/// A request that completed when it was started.
final class CompletedRequest: CollectiveRequest {
    func test() throws -> Bool { true }
    func wait() throws {}
}

extension Communicator {
    /// In-place allreduce of an array.
    public func allreduce<T: MPIScalar>(_ values: inout [T], _ op: ReduceOp) throws {
        try values.withUnsafeMutableBufferPointer { try allreduce($0, op) }
    }

    /// Reduces one value across ranks and returns the result.
    public func allreduce<T: MPIScalar>(_ value: T, _ op: ReduceOp) throws -> T {
        var buffer = [value]
        try allreduce(&buffer, op)
        return buffer[0]
    }

    /// Broadcasts an array from `root`; every rank must pass an array of the same count.
    public func broadcast<T: MPIScalar>(_ values: inout [T], root: Int) throws {
        try values.withUnsafeMutableBufferPointer { try broadcast($0, root: root) }
    }

    /// Broadcasts one value from `root` and returns it on every rank.
    public func broadcast<T: MPIScalar>(_ value: T, root: Int) throws -> T {
        var buffer = [value]
        try broadcast(&buffer, root: root)
        return buffer[0]
    }

    /// In-place reduce-scatter of an array (see the buffer form).
    public func reduceScatter<T: MPIScalar>(_ values: inout [T], counts: [Int], _ op: ReduceOp) throws {
        try values.withUnsafeMutableBufferPointer { try reduceScatter($0, counts: counts, op) }
    }

    /// Every rank's `values` (equal counts), concatenated in rank order.
    public func allgather<T: MPIScalar>(_ values: [T]) throws -> [T] {
        var result = [T](repeating: 0, count: values.count * size)
        try values.withUnsafeBufferPointer { send in
            try result.withUnsafeMutableBufferPointer { try allgather(send, into: $0) }
        }
        return result
    }

    /// Every rank's `values` (counts may differ), indexed by rank.
    public func allgatherv<T: MPIScalar>(_ values: [T]) throws -> [[T]] {
        try values.withUnsafeBufferPointer { try allgatherv($0) }
    }

    /// Every rank's `values` (counts may differ), indexed by rank, on `root`; `[]` elsewhere.
    public func gather<T: MPIScalar>(_ values: [T], root: Int) throws -> [[T]] {
        try values.withUnsafeBufferPointer { try gather($0, root: root) }
    }

    /// Broadcasts a byte string of any length from `root` (length first, then bytes).
    public func broadcastBytes(_ bytes: [UInt8], root: Int) throws -> [UInt8] {
        let count = try broadcast(Int64(bytes.count), root: root)
        var buffer = rank == root ? bytes : [UInt8](repeating: 0, count: Int(count))
        try broadcast(&buffer, root: root)
        return buffer
    }

    /// True on every rank when `condition` is true on at least one rank.
    public func any(_ condition: Bool) throws -> Bool {
        try allreduce(Int32(condition ? 1 : 0), .max) != 0
    }

    /// The offset of each rank's part, after checking `counts` splits `total` elements among the ranks.
    func partOffsets(_ counts: [Int], total: Int, call: String) throws -> [Int] {
        guard counts.count == size, counts.allSatisfy({ $0 >= 0 }), counts.reduce(0, +) == total else {
            throw MPIError.invalidArgument(
                call: call, reason: "counts \(counts) must be \(size) non-negative parts adding up to the buffer's \(total) elements")
        }
        var offsets: [Int] = []
        var running = 0
        for count in counts {
            offsets.append(running)
            running += count
        }
        return offsets
    }

    func checkRoot(_ root: Int, call: String) throws {
        guard (0..<size).contains(root) else {
            throw MPIError.invalidArgument(call: call, reason: "root \(root) is not a rank of a group of \(size)")
        }
    }
}
