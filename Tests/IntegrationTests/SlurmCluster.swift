import Foundation
import XCTest

/// A SLURM cluster on this machine for the length of a test class: munged with its own
/// key and socket, slurmctld and slurmd in the foreground as children of the test, state,
/// spool, logs and PMIx scratch in one scratch directory, ports picked free. One node has
/// this machine's cores and memory (`slurmd -C`); with `twoNodes` the second node's slurmd
/// runs in a network namespace of its own (joined to this one by a veth pair) and its own
/// mount namespace (a private scratch directory, as a node's local disk), one CPU each.
/// Client commands (salloc, sbatch, srun, scancel) reach it through `environment`.
final class SlurmCluster {
    let directory: URL
    let configuration: URL
    let nodes: [String]
    private let network: (namespace: String, subnet: String)?
    private var daemons: [Daemon] = []

    /// What client commands need to use this cluster. With two nodes, MPI talks TCP over the
    /// veth link (shared memory would bypass it: both "nodes" are this machine).
    var environment: [String: String] {
        var environment = ["SLURM_CONF": configuration.path]
        if let network {
            environment["OMPI_MCA_btl"] = "tcp,self"
            environment["OMPI_MCA_btl_tcp_if_include"] = network.subnet + ".0/24"
        }
        return environment
    }

    /// Starts the daemons and waits until every node is idle. Fails (outside CI: skips) with
    /// every daemon's log when the cluster does not come up.
    init(name: String, twoNodes: Bool = false) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-cluster-\(name)-\(getpid())")
        configuration = directory.appendingPathComponent("slurm.conf")
        nodes = twoNodes ? ["tandem1", "tandem2"] : ["tandem1"]
        let id = Int(getpid()) % 10_000
        network = twoNodes ? ("tandem-slurm\(id)", "10.\(200 + id % 50).\(id / 100 % 250)") : nil
        try? FileManager.default.removeItem(at: directory)
        for tool in ["munged", "slurmctld", "slurmd", "salloc", "sbatch"] + (twoNodes ? ["ip", "nsenter", "unshare"] : []) where try runProcess(["which", tool]).status != 0 {
            throw TestEnvironment.unavailable("\(tool) not found: install SLURM with apt-get install slurm-wlm munge (.ci/run does)")
        }
        guard getuid() == 0 else { throw TestEnvironment.unavailable("slurmd must run as root to start jobs; SLURM tests not run") }
        do {
            try start()
        } catch {
            let logs = self.logs()
            stop()
            throw TestEnvironment.unavailable("the test SLURM cluster did not start (\(error)); \(logs)")
        }
    }

    deinit { stop() }

    private func start() throws {
        let fm = FileManager.default
        for sub in ["munge-key", "munge", "state", "spool", "tmp"] + nodes.map({ "spool/\($0)" }) {
            try fm.createDirectory(at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        chmod(directory.path, 0o755)
        chmod(directory.appendingPathComponent("munge-key").path, 0o700)
        chmod(directory.appendingPathComponent("munge").path, 0o755)
        let key = directory.appendingPathComponent("munge-key/munge.key")
        var generator = SystemRandomNumberGenerator()
        try Data((0..<1024).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: key)
        chmod(key.path, 0o400)
        let socket = directory.appendingPathComponent("munge/munge.socket").path
        try launch("munged", [
            "munged", "--foreground", "--key-file=\(key.path)", "--socket=\(socket)", "--pid-file=\(path("munge/munged.pid"))",
            "--seed-file=\(path("munge/munged.seed"))",
        ])
        try waitFor("munged's socket", timeout: 20) { fm.fileExists(atPath: socket) }

        let ports = try (0..<2).map { _ in try freePort() }
        if let network { try connect(network) }
        try slurmConf(socket: socket, controllerPort: ports[0], nodePort: ports[1]).write(to: configuration, atomically: true, encoding: .utf8)
        try launch("slurmctld", ["slurmctld", "-D", "-i", "-f", configuration.path])
        try launch("slurmd", ["slurmd", "-D", "-N", nodes[0], "-f", configuration.path])
        if let network {
            // nsenter keeps this mount namespace (slurmd needs /sys/fs/cgroup), unshare gives the
            // node a scratch directory of its own where PMIx makes per-step directories.
            try fm.createDirectory(at: directory.appendingPathComponent("tmp-\(nodes[1])"), withIntermediateDirectories: true)
            try launch("slurmd-\(nodes[1])", [
                "nsenter", "--net=/run/netns/\(network.namespace)", "unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount --bind \(path("tmp-\(nodes[1])")) \(path("tmp")) && exec slurmd -D -N \(nodes[1]) -f \(configuration.path)",
            ])
        }
        try waitFor("every node idle", timeout: 60) {
            let state = try? runProcess(["sinfo", "-h", "-N", "-o", "%T"], environment: environment, timeout: 20)
            return state?.stdout.split(separator: "\n").map(String.init) == nodes.map { _ in "idle" }
        }
    }

    /// A network namespace for the second node, joined to this one by a veth pair.
    private func connect(_ network: (namespace: String, subnet: String)) throws {
        let id = network.namespace.dropFirst("tandem-slurm".count)
        let commands: [[String]] = [
            ["ip", "netns", "add", network.namespace],
            ["ip", "link", "add", "sa\(id)", "type", "veth", "peer", "name", "sb\(id)", "netns", network.namespace],
            ["ip", "addr", "add", "\(network.subnet).1/24", "dev", "sa\(id)"], ["ip", "link", "set", "sa\(id)", "up"],
            ["ip", "-n", network.namespace, "addr", "add", "\(network.subnet).2/24", "dev", "sb\(id)"],
            ["ip", "-n", network.namespace, "link", "set", "sb\(id)", "up"], ["ip", "-n", network.namespace, "link", "set", "lo", "up"],
        ]
        for command in commands {
            let output = try runProcess(command)
            guard output.status == 0 else {
                throw TestSetupFailure("\(command.joined(separator: " ")): \(output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
    }

    /// The node's hardware as slurmd sees it (at least 2 CPUs, so two ranks fit on one core machines too).
    private func hardware() throws -> String {
        // Two "nodes" share this machine's cores: one CPU each, so -N 2 -n 2 spreads over both.
        guard network == nil else { return "CPUs=1 RealMemory=1024" }
        let detected = try runProcess(["slurmd", "-C"]).stdout.split(separator: "\n").first.map(String.init) ?? ""
        let fields = detected.split(separator: " ").filter { !$0.hasPrefix("NodeName=") }
        let cpus = fields.first { $0.hasPrefix("CPUs=") }.flatMap { Int($0.dropFirst(5)) } ?? 0
        guard cpus >= 2 else {
            let memory = fields.first { $0.hasPrefix("RealMemory=") } ?? "RealMemory=1024"
            return "CPUs=2 \(memory)"
        }
        return fields.joined(separator: " ")
    }

    private func slurmConf(socket: String, controllerPort: Int, nodePort: Int) throws -> String {
        """
        ClusterName=tandem\(getpid())
        SlurmctldHost=localhost(\(network.map { "\($0.subnet).1" } ?? "127.0.0.1"))
        SlurmctldPort=\(controllerPort)
        SlurmdPort=\(nodePort)
        SlurmUser=root
        SlurmdUser=root
        AuthType=auth/munge
        AuthInfo=socket=\(socket)
        CredType=cred/munge
        StateSaveLocation=\(path("state"))
        SlurmdSpoolDir=\(path("spool"))/%n
        SlurmctldPidFile=\(path("slurmctld.pid"))
        SlurmdPidFile=\(path("slurmd-%n.pid"))
        SlurmctldLogFile=\(path("slurmctld.log"))
        SlurmdLogFile=\(path("slurmd-%n.log"))
        TmpFS=\(path("tmp"))
        FirstJobId=\(1000 + Int(getpid()) % 50_000)
        ProctrackType=proctrack/linuxproc
        TaskPlugin=task/none
        SelectType=select/cons_tres
        SelectTypeParameters=CR_Core
        SlurmdParameters=config_overrides
        MpiDefault=none
        SchedulerType=sched/builtin
        ReturnToService=2
        JobAcctGatherType=jobacct_gather/none
        AccountingStorageType=accounting_storage/none
        JobCompType=jobcomp/none
        KillWait=30
        \(try nodeLines())
        PartitionName=test Nodes=\(nodes.joined(separator: ",")) Default=YES MaxTime=INFINITE State=UP

        """
    }

    private func nodeLines() throws -> String {
        let hardware = try self.hardware()
        let addresses = network.map { ["\($0.subnet).1", "\($0.subnet).2"] } ?? ["127.0.0.1"]
        return zip(nodes, addresses).map { "NodeName=\($0) NodeAddr=\($1) \(hardware) State=UNKNOWN" }.joined(separator: "\n")
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func launch(_ name: String, _ arguments: [String]) throws {
        daemons.append(try Daemon(name: name, arguments, log: directory.appendingPathComponent("\(name).out")))
    }

    private func waitFor(_ what: String, timeout: TimeInterval, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if let dead = daemons.first(where: { !$0.isRunning }) {
                throw TestSetupFailure("\(dead.name) ended (\(dead.exitDescription)) while waiting for \(what)")
            }
            guard Date() < deadline else { throw TestSetupFailure("no \(what) after \(Int(timeout)) s") }
            usleep(100_000)
        }
    }

    /// Every daemon's output and log file, for a failure message.
    func logs() -> String {
        var parts = daemons.map { "\($0.name) (\($0.exitDescription)) printed: \($0.output)" }
        for file in ["slurmctld.log"] + nodes.map { "slurmd-\($0).log" } {
            let text = (try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)) ?? "(none)"
            parts.append("\(file): \(text.suffix(2500))")
        }
        return parts.joined(separator: " | ")
    }

    /// Submits `script` with `arguments` and returns the job id.
    func submit(_ script: String, _ arguments: [String], output: URL, directory: URL, environment extra: [String: String]) throws -> String {
        let submitted = try runProcess(
            ["sbatch", "--parsable", "--output", output.path, script] + arguments, environment: environment.merging(extra) { $1 },
            directory: directory, timeout: 60)
        guard submitted.status == 0, let id = submitted.stdout.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }), !id.isEmpty else {
            throw TestSetupFailure("sbatch failed (\(submitted.status)): \(submitted.stderr); \(logs())")
        }
        return id
    }

    /// The job's state (RUNNING, COMPLETED, CANCELLED, ...).
    func state(ofJob id: String) throws -> String {
        let shown = try runProcess(["scontrol", "-o", "show", "job", id], environment: environment, timeout: 30).stdout
        return shown.split(separator: " ").first { $0.hasPrefix("JobState=") }.map { String($0.dropFirst(9)) } ?? "UNKNOWN"
    }

    /// Waits until the job has ended; returns its final state.
    func waitForEnd(ofJob id: String, timeout: TimeInterval) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let state = try self.state(ofJob: id)
            if !["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED"].contains(state) { return state }
            guard Date() < deadline else { throw TestSetupFailure("job \(id) still \(state) after \(Int(timeout)) s; \(logs())") }
            usleep(200_000)
        }
    }

    /// Ends every job, then the daemons (SIGTERM, then SIGKILL), and removes the scratch directory.
    func stop() {
        if daemons.contains(where: { $0.name == "slurmctld" && $0.isRunning }) {
            _ = try? runProcess(["scancel", "--full", "--user", "root"], environment: environment, timeout: 20)
        }
        for daemon in daemons.reversed() { daemon.stop() }
        daemons = []
        if let network { _ = try? runProcess(["ip", "netns", "del", network.namespace]) }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A TCP port on 127.0.0.1 nothing listens on now (the kernel picks it).
private func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSetupFailure("socket: \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw TestSetupFailure("bind: \(String(cString: strerror(errno)))") }
    return Int(UInt16(bigEndian: address.sin_port))
}
