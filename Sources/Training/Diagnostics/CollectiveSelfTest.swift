import MPI
/// Runs every collective on every rank with known, rank-dependent inputs and checks
/// each result element. Inputs are small integers, so sums are exact in every
/// element type and every summation order: results can be compared bitwise.
public struct CollectiveSelfTest: Sendable {
    /// What one rank saw: how many checks ran, which failed, and a digest of every
    /// result (so two communicators can be compared rank by rank).
    public struct Outcome: Sendable {
        public internal(set) var checks = 0
        public internal(set) var failures: [String] = []
        public internal(set) var digests: [String: UInt64] = [:]
    }

    public let sizes: [Int]

    /// `sizes`: the element counts each collective is run with.
    public init(sizes: [Int] = [0, 1, 7, 1_000_000]) {
        self.sizes = sizes
    }

    public func run(on comm: any Communicator) throws -> Outcome {
        var outcome = Outcome()
        for count in sizes {
            try checkType(Float.self, count: count, comm: comm, into: &outcome)
            try checkType(Double.self, count: count, comm: comm, into: &outcome)
            try checkType(Int32.self, count: count, comm: comm, into: &outcome)
            try checkType(Int64.self, count: count, comm: comm, into: &outcome)
            try checkBytes(count: count, comm: comm, into: &outcome)
        }
        try comm.barrier()
        outcome.checks += 1
        let total = try comm.allreduce(Double(comm.rank + 1), .sum)
        record("scalar allreduce", [total], expected: [Double(comm.size * (comm.size + 1) / 2)], into: &outcome)
        let rootValue = try comm.broadcast(Int64(comm.rank == comm.size - 1 ? 42 : -1), root: comm.size - 1)
        record("scalar broadcast", [rootValue], expected: [42], into: &outcome)
        return outcome
    }

    /// Element i of rank r's input: (r + 1) * (i % 7 + 1).
    private func input<T: MPIScalar>(_ type: T.Type, rank: Int, count: Int) -> [T] {
        (0..<count).map { T(exactly: (rank + 1) * ($0 % 7 + 1))! }
    }

    private func checkType<T: MPIScalar>(_ type: T.Type, count: Int, comm: any Communicator, into outcome: inout Outcome)
        throws
    {
        try checkReductions(type, count: count, comm: comm, into: &outcome)
        try checkDistribution(type, count: count, comm: comm, into: &outcome)
        try checkReduceScatter(type, count: count, comm: comm, into: &outcome)
        try checkNonblocking(type, count: count, comm: comm, into: &outcome)
    }

    /// Every reduce operation, and (real MPI) a sum split into pieces.
    private func checkReductions<T: MPIScalar>(_ type: T.Type, count: Int, comm: any Communicator, into outcome: inout Outcome)
        throws
    {
        let (n, r, label) = (comm.size, comm.rank, "\(T.self)[\(count)]")
        let base = (0..<count).map { $0 % 7 + 1 }
        let rankSum = n * (n + 1) / 2
        for op in ReduceOp.allCases {
            var values = op == .prod ? (0..<count).map { _ in T(exactly: r % 2 + 1)! } : input(T.self, rank: r, count: count)
            try comm.allreduce(&values, op)
            let expected: [T]
            switch op {
            case .sum: expected = base.map { T(exactly: rankSum * $0)! }
            case .mean: expected = base.map { T.dividing(T(exactly: rankSum * $0)!, by: n) }
            case .max: expected = base.map { T(exactly: n * $0)! }
            case .min: expected = base.map { T(exactly: $0)! }
            case .prod:
                let twos = (0..<n).filter { $0 % 2 == 1 }.count
                expected = Array(repeating: T(exactly: 1 << twos)!, count: count)
            }
            record("allreduce(\(op)) \(label)", values, expected: expected, into: &outcome)
        }
        if let mpi = comm as? MPICommunicator, count > 1 {
            var values = input(T.self, rank: r, count: count)
            try mpi.splittingCollectives(every: Swift.max(1, count / 3)).allreduce(&values, .sum)
            record("allreduce split in pieces \(label)", values, expected: base.map { T(exactly: rankSum * $0)! }, into: &outcome)
        }
    }

    /// Broadcast from the first and last rank, allgather, allgatherv and gather.
    private func checkDistribution<T: MPIScalar>(_ type: T.Type, count: Int, comm: any Communicator, into outcome: inout Outcome)
        throws
    {
        let (n, r, label) = (comm.size, comm.rank, "\(T.self)[\(count)]")
        for root in n > 1 ? [0, n - 1] : [0] {
            var values = r == root ? input(T.self, rank: root, count: count) : Array(repeating: T.zero, count: count)
            try comm.broadcast(&values, root: root)
            record("broadcast(root \(root)) \(label)", values, expected: input(T.self, rank: root, count: count), into: &outcome)
        }
        let gathered = try comm.allgather(input(T.self, rank: r, count: count))
        let allInputs = (0..<n).flatMap { input(T.self, rank: $0, count: count) }
        record("allgather \(label)", gathered, expected: allInputs, into: &outcome)
        // Variable counts: rank p contributes count + p elements.
        let varying = (0..<n).map { input(T.self, rank: $0, count: count + $0) }
        let everyone = try comm.allgatherv(varying[r])
        record("allgatherv \(label)", everyone.flatMap { $0 }, expected: varying.flatMap { $0 }, into: &outcome)
        let atRoot = try comm.gather(varying[r], root: 0)
        record(
            "gather(root 0) \(label)", atRoot.flatMap { $0 }, expected: r == 0 ? varying.flatMap { $0 } : [],
            into: &outcome)
    }

    /// Reduce-scatter and its in-place inverse, with parts of different sizes (rank p gets
    /// about count·(p+1)/Σ, the last rank the rest).
    private func checkReduceScatter<T: MPIScalar>(_ type: T.Type, count: Int, comm: any Communicator, into outcome: inout Outcome)
        throws
    {
        let (n, r, label) = (comm.size, comm.rank, "\(T.self)[\(count)]")
        let rankSum = n * (n + 1) / 2
        let weights = (0..<n).map { $0 + 1 }
        var parts = weights.map { count * $0 / weights.reduce(0, +) }
        parts[n - 1] += count - parts.reduce(0, +)
        let partStart = parts[..<r].reduce(0, +)
        var scattered = input(T.self, rank: r, count: count)
        try comm.reduceScatter(&scattered, counts: parts, .sum)
        let sums = (0..<count).map { T(exactly: rankSum * ($0 % 7 + 1))! }
        record(
            "reduceScatter(sum) \(label)", Array(scattered[partStart..<(partStart + parts[r])]),
            expected: Array(sums[partStart..<(partStart + parts[r])]), into: &outcome)
        var assembled = [T](repeating: 0, count: count)
        for i in partStart..<(partStart + parts[r]) { assembled[i] = sums[i] }
        try assembled.withUnsafeMutableBufferPointer { try comm.allgather(inPlace: $0, counts: parts) }
        record("allgather(in place) \(label)", assembled, expected: sums, into: &outcome)
    }

    private func checkBytes(count: Int, comm: any Communicator, into outcome: inout Outcome) throws {
        let pattern = (0..<count).map { UInt8(truncatingIfNeeded: $0 * 31 + 7) }
        var bytes = comm.rank == 0 ? pattern : Array(repeating: 0, count: count)
        try comm.broadcast(&bytes, root: 0)
        record("broadcast UInt8[\(count)]", bytes, expected: pattern, into: &outcome)
        var flags = [UInt8](repeating: comm.rank == 0 ? 1 : 0, count: count)
        try comm.allreduce(&flags, .max)
        record("allreduce(max) UInt8[\(count)]", flags, expected: Array(repeating: 1, count: count), into: &outcome)
    }

    func record<T: MPIScalar>(_ name: String, _ actual: [T], expected: [T], into outcome: inout Outcome) {
        outcome.checks += 1
        outcome.digests[name] = digest(actual)
        guard actual.count == expected.count else {
            outcome.failures.append("\(name): \(actual.count) elements, expected \(expected.count)")
            return
        }
        if let i = actual.indices.first(where: { actual[$0] != expected[$0] }) {
            outcome.failures.append("\(name): element \(i) is \(actual[i]), expected \(expected[i])")
        }
    }

    /// FNV-1a over the elements' bytes.
    private func digest<T>(_ values: [T]) -> UInt64 {
        values.withUnsafeBytes { bytes in
            bytes.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        }
    }
}
