import Foundation
import MPI
import Synchronization

/// Ends a rank that has made no progress for `timeout` seconds (a rank that stopped
/// answering leaves the others waiting in a collective forever). It names this rank
/// and host, the step, and every rank on this host whose process is stopped or gone,
/// then exits with status 3, which makes mpirun end the job (and the launcher's
/// --max-restarts apply).
public final class Watchdog: @unchecked Sendable {
    private let timeout: Double
    private let lastProgress = Atomic<UInt64>(0)
    private let currentStep = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let peers: [(rank: Int, host: String, pid: Int32)]
    private let rank: Int
    private let host: String

    /// Every rank must call this (it exchanges process ids and host names).
    public init(timeout: Double, comm: any Communicator) throws {
        self.timeout = timeout
        rank = comm.rank
        host = comm.hostname
        let pids = try comm.allgather([Int64(getpid())])
        let hosts = try comm.allgatherv(Array(comm.hostname.utf8)).map { String(decoding: $0, as: UTF8.self) }
        peers = (0..<comm.size).map { ($0, hosts[$0], Int32(pids[$0])) }
        beat(step: 0)
        guard timeout > 0 else { return }
        let thread = Thread { [self] in watch() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Records progress (at each step, and around long work such as checkpoints).
    public func beat(step: Int) {
        currentStep.store(step, ordering: .relaxed)
        lastProgress.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
    }

    /// Ends the watch (the work it guarded is over); the watching thread exits within a second.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    private func watch() {
        while !stopped.load(ordering: .relaxed) {
            sleep(1)
            guard !stopped.load(ordering: .relaxed) else { return }
            let idle = Double(DispatchTime.now().uptimeNanoseconds - lastProgress.load(ordering: .relaxed)) * 1e-9
            guard idle > timeout else { continue }
            var message = "error: watchdog: rank \(rank) on \(host) made no progress for \(Int(idle)) s at step \(currentStep.load(ordering: .relaxed) + 1)"
            let silent = peers.filter { $0.rank != rank && $0.host == host }.compactMap { peer -> String? in
                guard let state = processState(peer.pid) else { return "rank \(peer.rank) (pid \(peer.pid)) is gone" }
                return state == "T" || state == "t" ? "rank \(peer.rank) (pid \(peer.pid) on \(peer.host)) is stopped" : nil
            }
            message += silent.isEmpty ? "; a rank stopped answering" : "; " + silent.joined(separator: ", ")
            FileHandle.standardError.write(Data((message + "; ending the job\n").utf8))
            _exit(3)
        }
    }

    /// The state letter of /proc/PID/stat (R, S, T, Z, ...), or nil when the process is gone.
    private func processState(_ pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let rest = stat[stat.index(after: close)...].split(separator: " ")
        guard let state = rest.first.map(String.init), state != "Z", state != "X" else { return nil }
        return state
    }
}
