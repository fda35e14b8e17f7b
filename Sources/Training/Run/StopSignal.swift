import Foundation
import Synchronization

/// SIGTERM, SIGINT and SIGUSR1 ask a run to stop: the first sets a flag the trainer
/// reads at the next step boundary (where all ranks agree to stop and a checkpoint is
/// written); a second one ends the process at once. mpirun passes SIGUSR1 on to the
/// ranks without ending the job, which is how the launcher relays a stop request.
///
/// One request often arrives several times within milliseconds: `scancel` signals
/// every process of the job (the ranks, orted, mpirun, srun and the launcher), and
/// each of those may pass it on again. Signals within `coalescingWindow` seconds of
/// the first count as that first one; only a later signal aborts.
public enum StopSignal {
    /// Seconds after the first signal during which further signals repeat it.
    public static let coalescingWindow: Double = 3
    /// CLOCK_MONOTONIC nanoseconds of the first signal (0: none yet).
    private static let firstArrival = Atomic<Int64>(0)

    /// Installs the handlers (once per process).
    public static func install() {
        for signal in [SIGTERM, SIGINT, SIGUSR1] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                // Async-signal-safe: clock_gettime, atomics and _exit only.
                let now = StopSignal.monotonicNanoseconds()
                let (exchanged, first) = StopSignal.firstArrival.compareExchange(expected: 0, desired: now, ordering: .relaxed)
                if !exchanged && Double(now - first) > StopSignal.coalescingWindow * 1e9 { _exit(128 + number) }
            }
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }

    /// Whether a stop was requested on this process.
    public static var isRequested: Bool { firstArrival.load(ordering: .relaxed) != 0 }

    /// Never 0 (that value means "no signal yet").
    private static func monotonicNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return max(1, Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }
}
