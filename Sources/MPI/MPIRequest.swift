import CMPI

/// A non-blocking MPI collective in flight. It owns the count and displacement
/// arrays MPI reads until completion, and runs `completion` (copying a received
/// part into place) once the collective has finished.
final class MPIRequest: CollectiveRequest {
    private var request: MPI_Request?
    private let arrays: PinnedCounts
    private let completion: () -> Void
    private let call: String
    private var done = false

    /// Starts the collective: `start` receives the pinned arrays and a place for the request.
    init(call: String, arrays: [[Int32]], completion: @escaping () -> Void = {}, start: (PinnedCounts, inout MPI_Request?) -> Int32) throws {
        self.call = call
        self.arrays = PinnedCounts(arrays)
        self.completion = completion
        request = tandem_mpi_request_null()
        try check(start(self.arrays, &request), call)
    }

    func test() throws -> Bool {
        guard !done else { return true }
        var flag: Int32 = 0
        try check(MPI_Test(&request, &flag, tandem_mpi_status_ignore()), "MPI_Test(\(call))")
        if flag != 0 { finish() }
        return done
    }

    func wait() throws {
        guard !done else { return }
        try check(MPI_Wait(&request, tandem_mpi_status_ignore()), "MPI_Wait(\(call))")
        finish()
    }

    private func finish() {
        done = true
        completion()
    }

    deinit {
        // A request dropped unfinished must still complete before its buffers go away.
        if !done { try? wait() }
    }
}

/// Int32 arrays at stable addresses for as long as a non-blocking collective needs them.
final class PinnedCounts {
    private let storage: [UnsafeMutablePointer<Int32>]

    init(_ arrays: [[Int32]]) {
        storage = arrays.map { array in
            let pointer = UnsafeMutablePointer<Int32>.allocate(capacity: Swift.max(array.count, 1))
            pointer.initialize(from: array, count: array.count)
            return pointer
        }
    }

    subscript(index: Int) -> UnsafeMutablePointer<Int32> { storage[index] }

    deinit { storage.forEach { $0.deallocate() } }
}
