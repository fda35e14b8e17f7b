import CMPI

/// A non-blocking MPI allreduce in flight (one MPI request per chunk of at most
/// 2^31-1 elements). Waiting completes it and applies the mean's division.
final class MPIRequest<T: MPIScalar>: CollectiveRequest {
    private var requests: [MPI_Request?]
    private let buffer: UnsafeMutableBufferPointer<T>
    private let meanOver: Int?
    private var done = false

    init(requests: [MPI_Request?], buffer: UnsafeMutableBufferPointer<T>, meanOver: Int?) {
        self.requests = requests
        self.buffer = buffer
        self.meanOver = meanOver
    }

    func wait() throws {
        guard !done else { return }
        done = true
        try check(MPI_Waitall(Int32(requests.count), &requests, nil), "MPI_Waitall(iallreduce)")
        if let ranks = meanOver { divide(buffer, by: ranks) }
    }

    deinit {
        // A request dropped without wait() must still complete before its buffer goes away.
        try? wait()
    }
}
