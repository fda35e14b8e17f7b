import CMPI

/// The non-blocking collectives a gradient stream runs on its own communicator. They
/// move data only while some thread of the process is inside MPI (OpenMPI has no
/// asynchronous progress for them), so the caller tests them regularly.
extension MPICommunicator {
    public func duplicate() throws -> any Communicator {
        var copy: MPI_Comm? = tandem_mpi_comm_null()
        try check(MPI_Comm_dup(handle, &copy), "MPI_Comm_dup")
        try check(MPI_Comm_set_errhandler(copy, tandem_mpi_errors_return()), "MPI_Comm_set_errhandler")
        return try MPICommunicator(handle: copy, maxCountPerCall: maxCountPerCall, ownsHandle: true)
    }

    public func iallgather<T: MPIScalar>(inPlace buffer: UnsafeMutableBufferPointer<T>, counts: [Int]) throws -> any CollectiveRequest {
        let call = "MPI_Iallgatherv(in place)"
        let offsets = try partOffsets(counts, total: buffer.count, call: call)
        let counts32 = try counts.map { try mpiCount($0, call: call) }
        let offsets32 = try offsets.map { try mpiCount($0, call: call) }
        return try MPIRequest(call: call, arrays: [counts32, offsets32]) { pinned, request in
            MPI_Iallgatherv(
                tandem_mpi_in_place(), 0, T.mpiKind.datatype, buffer.baseAddress, pinned[0], pinned[1], T.mpiKind.datatype, handle, &request)
        }
    }

    public func ialltoallv<T: MPIScalar>(
        _ send: UnsafeBufferPointer<T>, sendCounts: [Int], into receive: UnsafeMutableBufferPointer<T>, receiveCounts: [Int]
    ) throws -> any CollectiveRequest {
        let call = "MPI_Ialltoallv"
        let sendOffsets = try partOffsets(sendCounts, total: send.count, call: call)
        let receiveOffsets = try partOffsets(receiveCounts, total: receive.count, call: call)
        let arrays = try [sendCounts, sendOffsets, receiveCounts, receiveOffsets].map { try $0.map { try mpiCount($0, call: call) } }
        return try MPIRequest(call: call, arrays: arrays) { pinned, request in
            MPI_Ialltoallv(
                send.baseAddress, pinned[0], pinned[1], T.mpiKind.datatype, receive.baseAddress, pinned[2], pinned[3], T.mpiKind.datatype,
                handle, &request)
        }
    }
}
