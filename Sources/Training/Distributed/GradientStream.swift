import Foundation
import MPI

/// Runs gradient reductions on a thread of its own, one job at a time in the order
/// they were submitted, on a communicator of its own (a duplicate of the ranks'),
/// so its collectives are ordered apart from those the main thread makes meanwhile.
///
/// OpenMPI moves a non-blocking collective only while some thread is inside MPI, so
/// the stream tests its request in a loop. While the main thread computes, the loop
/// sleeps between tests (`pollInterval`) to leave the core to the computation; while
/// the main thread waits for the stream, it tests without sleeping, on the core the
/// waiting thread left free.
final class GradientStream: @unchecked Sendable {
    /// One reduction: a name for the timeline and the work, run on the stream's thread.
    struct Job: @unchecked Sendable {
        let name: String
        let detail: String?
        let run: (GradientStream) throws -> Void
    }

    /// The communicator the jobs use; only the stream's thread calls it.
    let comm: any Communicator
    let timeline: Timeline
    /// How long the stream sleeps between tests while the main thread computes.
    let pollInterval: TimeInterval
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var submitted = 0
    private var completed = 0
    private var failure: (any Error)?
    private var mainIsWaiting = false
    private var stopped = false
    private var cpuSeconds = 0.0

    /// CPU time the stream's thread has used so far (its polling and copying included):
    /// what it took from the cores the computation runs on.
    var threadCPUSeconds: Double { condition.withLock { cpuSeconds } }

    /// Whether the jobs run on the thread that waits for them (when MPI allows one thread only).
    let onCallingThread: Bool

    init(comm: any Communicator, timeline: Timeline, onCallingThread: Bool = false, pollInterval: TimeInterval = 50e-6) {
        self.comm = comm
        self.timeline = timeline
        self.onCallingThread = onCallingThread
        self.pollInterval = pollInterval
        guard !onCallingThread else { return }
        let thread = Thread { [self] in serve() }
        thread.name = "gradient stream"
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Queues `job` behind the jobs submitted before it.
    func submit(_ job: Job) {
        condition.withLock {
            queue.append(job)
            submitted += 1
            condition.broadcast()
        }
    }

    /// Blocks until every submitted job has finished; rethrows the first failure.
    func waitAll() throws {
        if onCallingThread {
            mainIsWaiting = true
            while let job = nextJob() { try run(job) }
            return
        }
        try condition.withLock {
            mainIsWaiting = true
            defer { mainIsWaiting = false }
            while completed < submitted && failure == nil { condition.wait() }
            if let failure { throw failure }
        }
    }

    /// Ends the thread once the queue is empty.
    func stop() {
        condition.withLock {
            stopped = true
            condition.broadcast()
        }
    }

    /// Called by a job: tests `request` until it completes, sleeping between tests
    /// unless the main thread is waiting for the stream.
    func complete(_ request: any CollectiveRequest) throws {
        while try !request.test() {
            if !condition.withLock({ mainIsWaiting }) { Thread.sleep(forTimeInterval: pollInterval) }
        }
    }

    private func serve() {
        while let job = nextJob() {
            do {
                try run(job)
                var clock = timespec()
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &clock)
                condition.withLock {
                    cpuSeconds = Double(clock.tv_sec) + Double(clock.tv_nsec) * 1e-9
                    completed += 1
                    condition.broadcast()
                }
            } catch {
                condition.withLock {
                    failure = failure ?? error
                    condition.broadcast()
                }
            }
        }
    }

    private func run(_ job: Job) throws {
        let start = Timeline.now
        try job.run(self)
        timeline.record(job.name, track: .stream, from: start, detail: job.detail)
    }

    /// The next job, or nil once stopped with nothing left (at once on the calling thread).
    private func nextJob() -> Job? {
        condition.withLock {
            while queue.isEmpty && !stopped && failure == nil && !onCallingThread { condition.wait() }
            // After a failure nothing more is sent: the main thread rethrows it from waitAll.
            return queue.isEmpty || failure != nil ? nil : queue.removeFirst()
        }
    }
}
