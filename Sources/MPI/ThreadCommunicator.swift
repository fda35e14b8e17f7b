import Foundation

/// One rank of a `ThreadGroup`. Every collective is: publish this rank's buffer,
/// wait for all ranks, read the others' buffers, wait again before anyone reuses them.
public final class ThreadCommunicator: Communicator, @unchecked Sendable {
    let group: ThreadGroup
    public let rank: Int
    public var size: Int { group.size }
    public var localRank: Int { rank }
    public var localSize: Int { group.size }
    public var hostname: String { ProcessInfo.processInfo.hostName }

    init(group: ThreadGroup, rank: Int) {
        self.group = group
        self.rank = rank
    }

    public func allreduce<T: MPIScalar>(_ buffer: UnsafeMutableBufferPointer<T>, _ op: ReduceOp) throws {
        let count = buffer.count
        if rank == 0 { group.reserveScratch(bytes: count * MemoryLayout<T>.stride) }
        try publish(UnsafeRawPointer(buffer.baseAddress), count: count)
        try group.arrive(call: "allreduce")
        try requireEqualCounts(call: "allreduce")
        // Each rank reduces its own slice of the elements into scratch.
        let slice = (count * rank / size)..<(count * (rank + 1) / size)
        let result = group.scratch.assumingMemoryBound(to: T.self)
        if T.self == Float.self {
            reduce(slice, into: group.scratch.assumingMemoryBound(to: Float.self), op)
        } else {
            reduce(slice, into: result, op)
        }
        try group.arrive(call: "allreduce")
        if count > 0 { buffer.baseAddress!.update(from: result, count: count) }
        try group.arrive(call: "allreduce")
    }

    /// The same ranks in a new group of their own (its failures follow this group's).
    public func duplicate() throws -> any Communicator {
        try group.duplicate(rank: rank).communicator(rank: rank)
    }

    public func broadcast<T: MPIScalar>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws {
        try checkRoot(root, call: "broadcast")
        try publish(UnsafeRawPointer(buffer.baseAddress), count: buffer.count)
        try group.arrive(call: "broadcast")
        try requireEqualCounts(call: "broadcast")
        if rank != root, buffer.count > 0 {
            buffer.baseAddress!.update(from: address(of: root, as: T.self), count: buffer.count)
        }
        try group.arrive(call: "broadcast")
    }

    public func barrier() throws {
        try group.arrive(call: "barrier")
    }

    public func allgather<T: MPIScalar>(_ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>)
        throws
    {
        guard receive.count == send.count * size else {
            throw MPIError.invalidArgument(
                call: "allgather",
                reason: "receive holds \(receive.count) elements, expected \(send.count) x \(size) ranks")
        }
        try publish(UnsafeRawPointer(send.baseAddress), count: send.count)
        try group.arrive(call: "allgather")
        try requireEqualCounts(call: "allgather")
        for peer in 0..<size where send.count > 0 {
            (receive.baseAddress! + peer * send.count).update(from: address(of: peer, as: T.self), count: send.count)
        }
        try group.arrive(call: "allgather")
    }

    public func reduceScatter<T: MPIScalar>(_ buffer: UnsafeMutableBufferPointer<T>, counts: [Int], _ op: ReduceOp) throws {
        let offsets = try partOffsets(counts, total: buffer.count, call: "reduceScatter")
        try publish(UnsafeRawPointer(buffer.baseAddress), count: buffer.count)
        try group.arrive(call: "reduceScatter")
        try requireEqualCounts(call: "reduceScatter")
        // Each rank reduces its own part (reading that part of every buffer, its own included)
        // into a temporary, then writes it back; other ranks only read other parts.
        let part = offsets[rank]..<(offsets[rank] + counts[rank])
        if !part.isEmpty, let base = buffer.baseAddress {
            let reduced = UnsafeMutablePointer<T>.allocate(capacity: part.count)
            defer { reduced.deallocate() }
            let shifted = reduced - part.lowerBound  // indexed by the part's own element numbers
            if T.self == Float.self {
                reduce(part, into: UnsafeMutableRawPointer(shifted).assumingMemoryBound(to: Float.self), op)
            } else {
                reduce(part, into: shifted, op)
            }
            (base + part.lowerBound).update(from: reduced, count: part.count)
        }
        try group.arrive(call: "reduceScatter")
    }

    public func allgather<T: MPIScalar>(inPlace buffer: UnsafeMutableBufferPointer<T>, counts: [Int]) throws {
        let offsets = try partOffsets(counts, total: buffer.count, call: "allgather")
        try publish(UnsafeRawPointer(buffer.baseAddress), count: buffer.count)
        try group.arrive(call: "allgather")
        try requireEqualCounts(call: "allgather")
        for peer in 0..<size where peer != rank && counts[peer] > 0 {
            (buffer.baseAddress! + offsets[peer]).update(from: address(of: peer, as: T.self) + offsets[peer], count: counts[peer])
        }
        try group.arrive(call: "allgather")
    }

    public func allgatherv<T: MPIScalar>(_ send: UnsafeBufferPointer<T>) throws -> [[T]] {
        try publish(UnsafeRawPointer(send.baseAddress), count: send.count)
        try group.arrive(call: "allgatherv")
        let result = (0..<size).map(contribution(of:) as (Int) -> [T])
        try group.arrive(call: "allgatherv")
        return result
    }

    public func gather<T: MPIScalar>(_ send: UnsafeBufferPointer<T>, root: Int) throws -> [[T]] {
        try checkRoot(root, call: "gather")
        try publish(UnsafeRawPointer(send.baseAddress), count: send.count)
        try group.arrive(call: "gather")
        let result = rank == root ? (0..<size).map(contribution(of:) as (Int) -> [T]) : []
        try group.arrive(call: "gather")
        return result
    }

    public func abort(code: Int32) -> Never {
        exit(code)
    }

    // MARK: - Shared-memory plumbing

    private func publish(_ address: UnsafeRawPointer?, count: Int) throws {
        group.addresses[rank] = address
        group.counts[rank] = count
    }

    private func requireEqualCounts(call: String) throws {
        let mine = group.counts[rank]
        for peer in 0..<size where group.counts[peer] != mine {
            throw MPIError.invalidArgument(
                call: call, reason: "rank \(peer) passed \(group.counts[peer]) elements, rank \(rank) passed \(mine)")
        }
    }

    private func address<T>(of peer: Int, as type: T.Type) -> UnsafePointer<T> {
        group.addresses[peer]!.assumingMemoryBound(to: T.self)
    }

    private func contribution<T>(of peer: Int) -> [T] {
        let count = group.counts[peer]
        guard count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: address(of: peer, as: T.self), count: count))
    }

    /// Combines the ranks' values at `slice` in rank order into `result`.
    private func reduce<T: MPIScalar>(_ slice: Range<Int>, into result: UnsafeMutablePointer<T>, _ op: ReduceOp) {
        guard !slice.isEmpty else { return }
        result.advanced(by: slice.lowerBound).update(from: address(of: 0, as: T.self) + slice.lowerBound, count: slice.count)
        for peer in 1..<size {
            let values = address(of: peer, as: T.self)
            for i in slice { result[i] = op.combine(result[i], values[i]) }
        }
        if op == .mean {
            divide(UnsafeMutableBufferPointer(start: result + slice.lowerBound, count: slice.count), by: size)
        }
    }
}
