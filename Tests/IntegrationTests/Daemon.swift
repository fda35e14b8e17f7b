import Foundation

/// A long-running child started with posix_spawn rather than Foundation's Process, its
/// output going to a log file. Daemons close the descriptors they inherit; Foundation
/// takes that for the child's exit and blocks its process monitor in waitpid on it,
/// after which no other child of the test is ever reaped.
final class Daemon {
    let name: String
    let log: URL
    private let pid: pid_t
    private var status: Int32?

    init(name: String, _ arguments: [String], log: URL) throws {
        self.name = name
        self.log = log
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let result = posix_spawnp(&child, arguments[0], &actions, nil, argv, environ)
        guard result == 0 else { throw TestSetupFailure("cannot start \(arguments[0]): \(String(cString: strerror(result)))") }
        pid = child
    }

    deinit { stop() }

    /// False once the daemon has exited (it is reaped then).
    var isRunning: Bool {
        guard status == nil else { return false }
        var raw: Int32 = 0
        if waitpid(pid, &raw, WNOHANG) == pid { status = raw }
        return status == nil
    }

    /// How it ended, for messages ("running" while it runs).
    var exitDescription: String {
        guard !isRunning, let status else { return "running" }
        return status & 0x7f == 0 ? "exit status \((status >> 8) & 0xff)" : "signal \(status & 0x7f)"
    }

    /// The end of what it printed.
    var output: String { String(((try? String(contentsOf: log, encoding: .utf8)) ?? "").suffix(1500)) }

    /// SIGTERM, then SIGKILL if it is still running after `grace` seconds.
    func stop(grace: TimeInterval = 10) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while isRunning && Date() < deadline { usleep(20_000) }
        guard isRunning else { return }
        kill(pid, SIGKILL)
        var raw: Int32 = 0
        waitpid(pid, &raw, 0)
        status = raw
    }
}
