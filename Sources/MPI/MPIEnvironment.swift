import CMPI
import Glibc
import Synchronization

/// MPI's process-wide lifetime: initialized once, finalized once at exit.
public enum MPIEnvironment {
    private static let world = Mutex<MPICommunicator?>(nil)

    /// Initializes MPI on first use (MPI_Init_thread asking for MPI_THREAD_MULTIPLE, so
    /// that a gradient stream's thread may run collectives beside the main thread) and
    /// returns the world communicator. Failing MPI calls return errors instead of
    /// aborting, and MPI is finalized when the process exits.
    public static func worldCommunicator() throws -> MPICommunicator {
        try world.withLock { world in
            if let world { return world }
            var initialized: Int32 = 0
            try check(MPI_Initialized(&initialized), "MPI_Initialized")
            if initialized == 0 {
                var provided: Int32 = 0
                try check(MPI_Init_thread(nil, nil, Int32(MPI_THREAD_MULTIPLE), &provided), "MPI_Init_thread")
                atexit { MPIEnvironment.finalize() }
            }
            let comm = tandem_mpi_comm_world()
            try check(MPI_Comm_set_errhandler(comm, tandem_mpi_errors_return()), "MPI_Comm_set_errhandler")
            let created = try MPICommunicator(handle: comm)
            world = created
            return created
        }
    }

    /// Whether MPI lets several threads call it at once (MPI_THREAD_MULTIPLE was provided);
    /// false before MPI is initialized.
    public static var allowsConcurrentThreads: Bool {
        var initialized: Int32 = 0
        MPI_Initialized(&initialized)
        guard initialized != 0 else { return false }
        var provided: Int32 = 0
        MPI_Query_thread(&provided)
        return provided == Int32(MPI_THREAD_MULTIPLE)
    }

    /// Finalizes MPI if it was initialized and not yet finalized. Runs at exit on its own;
    /// call it earlier only when the process must leave MPI before it ends.
    public static func finalize() {
        var initialized: Int32 = 0
        var finalized: Int32 = 0
        MPI_Initialized(&initialized)
        MPI_Finalized(&finalized)
        if initialized != 0 && finalized == 0 { MPI_Finalize() }
    }

    /// Ends every rank of the job when MPI is running with more than one rank (for a
    /// failure only this rank saw); returns when there is no such job to end.
    public static func abortJobIfShared(code: Int32) {
        var initialized: Int32 = 0
        var finalized: Int32 = 0
        MPI_Initialized(&initialized)
        MPI_Finalized(&finalized)
        guard initialized != 0, finalized == 0 else { return }
        var size: Int32 = 1
        MPI_Comm_size(tandem_mpi_comm_world(), &size)
        if size > 1 { MPI_Abort(tandem_mpi_comm_world(), code) }
    }
}
