import Foundation
import Synchronization

/// SIGTERM, SIGINT and SIGUSR1 ask a run to stop: the first sets a flag the trainer
/// reads at the next step boundary (where all ranks agree to stop and a checkpoint is
/// written); a second one ends the process at once. mpirun passes SIGUSR1 on to the
/// ranks without ending the job, which is how the launcher relays a stop request.
public enum StopSignal {
    private static let received = Atomic<Int>(0)

    /// Installs the handlers (once per process).
    public static func install() {
        for signal in [SIGTERM, SIGINT, SIGUSR1] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                if StopSignal.received.add(1, ordering: .relaxed).newValue > 1 { _exit(128 + number) }
            }
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }

    /// Whether a stop was requested on this process.
    public static var isRequested: Bool { received.load(ordering: .relaxed) > 0 }
}
