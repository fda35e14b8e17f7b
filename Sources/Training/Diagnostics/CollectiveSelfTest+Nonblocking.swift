import MPI

extension CollectiveSelfTest {
    /// The non-blocking collectives the gradient stream runs, on a duplicate of the
    /// communicator (its own order of collectives): in-place allgather and all-to-all,
    /// with parts of different sizes (rank p's part is about count·(p+1)/Σ, the last
    /// rank takes the rest).
    func checkNonblocking<T: MPIScalar>(_ type: T.Type, count: Int, comm: any Communicator, into outcome: inout Outcome) throws {
        let stream = try comm.duplicate()
        let (n, r, label) = (comm.size, comm.rank, "\(T.self)[\(count)]")
        var parts = (0..<n).map { count * ($0 + 1) / (n * (n + 1) / 2) }
        parts[n - 1] += count - parts.reduce(0, +)
        let start = parts[..<r].reduce(0, +)
        let sums = (0..<count).map { T(exactly: n * (n + 1) / 2 * ($0 % 7 + 1))! }
        let own = Array(sums[start..<(start + parts[r])])

        var gathered = [T](repeating: 0, count: count)
        gathered.replaceSubrange(start..<(start + parts[r]), with: own)
        try gathered.withUnsafeMutableBufferPointer { try wait(stream.iallgather(inPlace: $0, counts: parts)) }
        record("iallgather(in place) \(label)", gathered, expected: sums, into: &outcome)

        // All-to-all: rank r sends rank p the values p·1000 + r + i for i in p's part.
        let outgoing = (0..<n).flatMap { p in (0..<parts[p]).map { T(exactly: (p * 1000 + r + $0) % 120)! } }
        var incoming = [T](repeating: 0, count: parts[r] * n)
        try outgoing.withUnsafeBufferPointer { out in
            try incoming.withUnsafeMutableBufferPointer {
                try wait(stream.ialltoallv(out, sendCounts: parts, into: $0, receiveCounts: Array(repeating: parts[r], count: n)))
            }
        }
        let expected = (0..<n).flatMap { q in (0..<parts[r]).map { T(exactly: (r * 1000 + q + $0) % 120)! } }
        record("ialltoallv \(label)", incoming, expected: expected, into: &outcome)
    }

    /// Tests `request` until it completes, as the gradient stream does.
    private func wait(_ request: any CollectiveRequest) throws {
        while try !request.test() {}
    }
}
