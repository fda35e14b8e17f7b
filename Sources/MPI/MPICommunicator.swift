import CMPI

/// A communicator backed by real MPI (OpenMPI). Obtain the world one from
/// `MPIEnvironment.worldCommunicator()`.
public final class MPICommunicator: Communicator {
    let handle: MPI_Comm?
    public let rank: Int
    public let size: Int
    public let localRank: Int
    public let localSize: Int
    public let hostname: String
    /// Elementwise collectives are issued in pieces of at most this many elements.
    let maxCountPerCall: Int

    /// Whether this communicator was created here (a duplicate) and is freed with it.
    private let ownsHandle: Bool

    init(handle: MPI_Comm?, maxCountPerCall: Int = mpiCountLimit, ownsHandle: Bool = false) throws {
        self.handle = handle
        self.maxCountPerCall = maxCountPerCall
        self.ownsHandle = ownsHandle
        var value: Int32 = 0
        try check(MPI_Comm_rank(handle, &value), "MPI_Comm_rank")
        rank = Int(value)
        try check(MPI_Comm_size(handle, &value), "MPI_Comm_size")
        size = Int(value)

        var local: MPI_Comm? = tandem_mpi_comm_null()
        try check(
            MPI_Comm_split_type(handle, tandem_mpi_comm_type_shared(), Int32(rank), tandem_mpi_info_null(), &local),
            "MPI_Comm_split_type")
        try check(MPI_Comm_rank(local, &value), "MPI_Comm_rank(local)")
        localRank = Int(value)
        try check(MPI_Comm_size(local, &value), "MPI_Comm_size(local)")
        localSize = Int(value)
        try check(MPI_Comm_free(&local), "MPI_Comm_free")

        var name = [CChar](repeating: 0, count: Int(tandem_mpi_max_processor_name()) + 1)
        try check(MPI_Get_processor_name(&name, &value), "MPI_Get_processor_name")
        hostname = String(decoding: name.prefix(Int(value)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        var handle = handle
        if ownsHandle && finalized == 0 { MPI_Comm_free(&handle) }
    }

    /// The same communicator, issuing elementwise collectives in pieces of at most
    /// `limit` elements: lets tests exercise the splitting used above 2^31-1 elements.
    public func splittingCollectives(every limit: Int) throws -> MPICommunicator {
        try MPICommunicator(handle: handle, maxCountPerCall: limit)
    }

    public func allreduce<T: MPIScalar>(_ buffer: UnsafeMutableBufferPointer<T>, _ op: ReduceOp) throws {
        for range in chunks(count: buffer.count, limit: maxCountPerCall) {
            try check(
                MPI_Allreduce(
                    tandem_mpi_in_place(), buffer.baseAddress.map { $0 + range.lowerBound },
                    Int32(range.count), T.mpiKind.datatype, op.mpiOp, handle),
                "MPI_Allreduce")
        }
        if op == .mean { divide(buffer, by: size) }
    }

    public func broadcast<T: MPIScalar>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) throws {
        try checkRoot(root, call: "MPI_Bcast")
        for range in chunks(count: buffer.count, limit: maxCountPerCall) {
            try check(
                MPI_Bcast(
                    buffer.baseAddress.map { $0 + range.lowerBound }, Int32(range.count), T.mpiKind.datatype,
                    Int32(root), handle),
                "MPI_Bcast")
        }
    }

    public func barrier() throws {
        try check(MPI_Barrier(handle), "MPI_Barrier")
    }

    public func allgather<T: MPIScalar>(_ send: UnsafeBufferPointer<T>, into receive: UnsafeMutableBufferPointer<T>)
        throws
    {
        let count = try mpiCount(send.count, call: "MPI_Allgather")
        guard receive.count == send.count * size else {
            throw MPIError.invalidArgument(
                call: "MPI_Allgather",
                reason: "receive holds \(receive.count) elements, expected \(send.count) x \(size) ranks")
        }
        try check(
            MPI_Allgather(
                send.baseAddress, count, T.mpiKind.datatype, receive.baseAddress, count, T.mpiKind.datatype, handle),
            "MPI_Allgather")
    }

    public func reduceScatter<T: MPIScalar>(_ buffer: UnsafeMutableBufferPointer<T>, counts: [Int], _ op: ReduceOp) throws {
        let offsets = try partOffsets(counts, total: buffer.count, call: "MPI_Reduce_scatter")
        var counts32 = try counts.map { try mpiCount($0, call: "MPI_Reduce_scatter") }
        _ = try mpiCount(buffer.count, call: "MPI_Reduce_scatter")
        let mine = UnsafeMutableBufferPointer(rebasing: buffer[offsets[rank]..<(offsets[rank] + counts[rank])])
        let received = UnsafeMutableBufferPointer<T>.allocate(capacity: Swift.max(counts[rank], 1))
        defer { received.deallocate() }
        try check(
            MPI_Reduce_scatter(buffer.baseAddress, received.baseAddress, &counts32, T.mpiKind.datatype, op.mpiOp, handle),
            "MPI_Reduce_scatter")
        if counts[rank] > 0 { _ = mine.update(fromContentsOf: UnsafeMutableBufferPointer(rebasing: received[0..<counts[rank]])) }
        if op == .mean { divide(mine, by: size) }
    }

    public func allgather<T: MPIScalar>(inPlace buffer: UnsafeMutableBufferPointer<T>, counts: [Int]) throws {
        let offsets = try partOffsets(counts, total: buffer.count, call: "MPI_Allgatherv")
        var counts32 = try counts.map { try mpiCount($0, call: "MPI_Allgatherv") }
        var offsets32 = try offsets.map { try mpiCount($0, call: "MPI_Allgatherv") }
        try check(
            MPI_Allgatherv(
                tandem_mpi_in_place(), 0, T.mpiKind.datatype, buffer.baseAddress, &counts32, &offsets32, T.mpiKind.datatype, handle),
            "MPI_Allgatherv(in place)")
    }

    public func allgatherv<T: MPIScalar>(_ send: UnsafeBufferPointer<T>) throws -> [[T]] {
        let (counts, offsets, total) = try variableLayout(sendCount: send.count, call: "MPI_Allgatherv")
        var receive = [T](repeating: 0, count: total)
        try receive.withUnsafeMutableBufferPointer { out in
            try check(
                MPI_Allgatherv(
                    send.baseAddress, Int32(send.count), T.mpiKind.datatype, out.baseAddress, counts, offsets,
                    T.mpiKind.datatype, handle),
                "MPI_Allgatherv")
        }
        return split(receive, counts: counts, offsets: offsets)
    }

    public func gather<T: MPIScalar>(_ send: UnsafeBufferPointer<T>, root: Int) throws -> [[T]] {
        try checkRoot(root, call: "MPI_Gatherv")
        let (counts, offsets, total) = try variableLayout(sendCount: send.count, call: "MPI_Gatherv")
        var receive = [T](repeating: 0, count: rank == root ? total : 0)
        try receive.withUnsafeMutableBufferPointer { out in
            try check(
                MPI_Gatherv(
                    send.baseAddress, Int32(send.count), T.mpiKind.datatype, out.baseAddress, counts, offsets,
                    T.mpiKind.datatype, Int32(root), handle),
                "MPI_Gatherv")
        }
        return rank == root ? split(receive, counts: counts, offsets: offsets) : []
    }

    public func abort(code: Int32) -> Never {
        MPI_Abort(handle, code)
        fatalError("MPI_Abort returned")
    }

    /// Every rank's count, and the offsets of a concatenated receive buffer; the
    /// total must fit MPI's 32-bit displacements.
    private func variableLayout(sendCount: Int, call: String) throws -> ([Int32], [Int32], Int) {
        _ = try mpiCount(sendCount, call: call)
        let counts64 = try allgather([Int64(sendCount)])
        let total = counts64.reduce(0) { $0 + Int($1) }
        _ = try mpiCount(total, call: call)
        var offsets: [Int32] = []
        var running: Int32 = 0
        for count in counts64 {
            offsets.append(running)
            running += Int32(count)
        }
        return (counts64.map { Int32($0) }, offsets, total)
    }

    private func split<T>(_ values: [T], counts: [Int32], offsets: [Int32]) -> [[T]] {
        zip(counts, offsets).map { count, offset in Array(values[Int(offset)..<Int(offset + count)]) }
    }
}
