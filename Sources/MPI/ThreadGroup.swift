import Foundation

/// N ranks as threads of one process, meeting in collectives through shared memory.
/// Unit tests exercise multi-rank logic with it, and `--emulate-ranks` reproduces a
/// distributed run under a debugger. Reductions add ranks' values in rank order, so
/// every rank gets bitwise the same result.
public final class ThreadGroup: @unchecked Sendable {
    public let size: Int
    private let condition = NSCondition()
    private var arrived = 0
    private var generation = 0
    private var failedRank: Int?
    /// Per-rank buffer addresses and element counts of the collective in progress.
    let addresses: UnsafeMutablePointer<UnsafeRawPointer?>
    let counts: UnsafeMutablePointer<Int>
    /// Where allreduce results are assembled before each rank copies them out.
    private(set) var scratch = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
    private var scratchBytes = 64
    /// Groups made by `duplicate`: a failure here fails them too, so no thread waits in one forever.
    private var children: [ThreadGroup] = []

    public init(size: Int) {
        precondition(size >= 1, "a thread group needs at least one rank")
        self.size = size
        addresses = .allocate(capacity: size)
        addresses.initialize(repeating: nil, count: size)
        counts = .allocate(capacity: size)
        counts.initialize(repeating: 0, count: size)
    }

    deinit {
        addresses.deallocate()
        counts.deallocate()
        scratch.deallocate()
    }

    /// The communicator of rank `rank` in this group.
    public func communicator(rank: Int) -> ThreadCommunicator {
        ThreadCommunicator(group: self, rank: rank)
    }

    /// Runs `body` once per rank, each on its own thread, and returns the results in
    /// rank order. If a rank throws, the others' pending collectives fail too, and the
    /// first rank's own error is rethrown.
    public static func run<Result: Sendable>(
        ranks: Int, _ body: @escaping @Sendable (ThreadCommunicator) throws -> Result
    ) throws -> [Result] {
        let group = ThreadGroup(size: ranks)
        let outcomes = Outcomes<Result>(count: ranks)
        let finished = DispatchGroup()
        for rank in 0..<ranks {
            finished.enter()
            let thread = Thread {
                let communicator = group.communicator(rank: rank)
                do {
                    outcomes.set(rank, .success(try body(communicator)))
                } catch {
                    outcomes.set(rank, .failure(error))
                    group.fail(rank: rank)
                }
                finished.leave()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        finished.wait()
        return try outcomes.results()
    }

    /// Marks `rank` as failed and wakes every rank waiting in a collective, here and in
    /// every duplicate of this group.
    func fail(rank: Int) {
        condition.lock()
        if failedRank == nil { failedRank = rank }
        let children = children
        condition.broadcast()
        condition.unlock()
        children.forEach { $0.fail(rank: rank) }
    }

    /// A new group of the same ranks, made collectively: rank 0 creates it and every
    /// rank picks it up between two arrivals.
    func duplicate(rank: Int) throws -> ThreadGroup {
        if rank == 0 {
            condition.lock()
            children.append(ThreadGroup(size: size))
            condition.unlock()
        }
        try arrive(call: "duplicate")
        let child = condition.withLock { children[children.count - 1] }
        try arrive(call: "duplicate")
        return child
    }

    /// Blocks until all ranks arrive; throws if a rank of the group has failed.
    func arrive(call: String) throws {
        condition.lock()
        defer { condition.unlock() }
        if let failed = failedRank { throw MPIError.peerFailed(call: call, rank: failed) }
        arrived += 1
        if arrived == size {
            arrived = 0
            generation += 1
            condition.broadcast()
            return
        }
        let waitingFor = generation
        while generation == waitingFor {
            if let failed = failedRank { throw MPIError.peerFailed(call: call, rank: failed) }
            condition.wait()
        }
    }

    /// Grows the scratch area; called by rank 0 only, before the collective's first arrival.
    func reserveScratch(bytes: Int) {
        guard bytes > scratchBytes else { return }
        scratch.deallocate()
        scratch = .allocate(byteCount: bytes, alignment: 64)
        scratchBytes = bytes
    }
}

/// Each rank's result or error, filled in by the rank threads.
private final class Outcomes<Result>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Swift.Result<Result, any Error>?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ rank: Int, _ outcome: Swift.Result<Result, any Error>) {
        lock.withLock { values[rank] = outcome }
    }

    /// The results in rank order, or the first error that is not a peer's failure.
    func results() throws -> [Result] {
        let all = lock.withLock { values.map { $0! } }
        var firstError: (any Error)?
        for outcome in all {
            if case .failure(let error) = outcome {
                if case MPIError.peerFailed = error { firstError = firstError ?? error; continue }
                throw error
            }
        }
        if let firstError { throw firstError }
        return try all.map { try $0.get() }
    }
}
