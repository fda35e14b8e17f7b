import CMPI

extension MPICommunicator {
    /// MPI_Allreduce (sum, in place) called directly, with none of this wrapper's checks
    /// or splitting: the baseline the allreduce benchmark compares the wrapper with.
    public func unwrappedAllreduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        try check(
            MPI_Allreduce(tandem_mpi_in_place(), buffer.baseAddress, Int32(buffer.count), tandem_mpi_float(), tandem_mpi_sum(), handle),
            "MPI_Allreduce")
    }
}
