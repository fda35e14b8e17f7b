import Foundation
import XCTest

/// Two "hosts" on one machine: Linux network namespaces joined by a veth link, each
/// with its own address, the link shaped to 200 Mbit/s each way with `tc tbf`, and
/// OpenMPI's rsh agent replaced by a script that enters the other namespace instead of
/// ssh. A run over TCP between them through `./launch --hosts`, its gradient buckets
/// summed while the backward pass runs (what `run.overlap` decides by default for ranks
/// on more than one host), must end with the parameters of the same run on one host
/// (which sums them after the pass).
final class MultiHostTests: XCTestCase {
    func testARunAcrossTwoNetworkNamespacesOverAShapedTCPLinkEqualsTheSingleHostRun() throws {
        let runs = try TrainingRuns("multihost")
        defer { runs.remove() }
        let id = getpid() % 10_000
        let subnet = "10.\(100 + Int(id) % 100).\(Int(id) / 100 % 250).0"
        let prefix = String(subnet.dropLast(2))
        let (first, second) = ("\(prefix).1", "\(prefix).2")
        let (h1, h2) = ("tandem-a\(id)", "tandem-b\(id)")
        guard try runProcess(["ip", "netns", "add", h1]).status == 0 else {
            throw TestEnvironment.unavailable("cannot create network namespaces here (needs root and iproute2); multi-host run not tested")
        }
        defer {
            _ = try? runProcess(["ip", "netns", "del", h1])
            _ = try? runProcess(["ip", "netns", "del", h2])
        }
        let setup: [[String]] = [
            ["ip", "netns", "add", h2],
            ["ip", "link", "add", "va\(id)", "netns", h1, "type", "veth", "peer", "name", "vb\(id)", "netns", h2],
            ["ip", "-n", h1, "addr", "add", "\(first)/24", "dev", "va\(id)"],
            ["ip", "-n", h2, "addr", "add", "\(second)/24", "dev", "vb\(id)"],
            ["ip", "-n", h1, "link", "set", "lo", "up"], ["ip", "-n", h2, "link", "set", "lo", "up"],
            ["ip", "-n", h1, "link", "set", "va\(id)", "up"], ["ip", "-n", h2, "link", "set", "vb\(id)", "up"],
            ["tc", "-n", h1, "qdisc", "add", "dev", "va\(id)", "root", "tbf", "rate", "200mbit", "burst", "256kb", "latency", "50ms"],
            ["tc", "-n", h2, "qdisc", "add", "dev", "vb\(id)", "root", "tbf", "rate", "200mbit", "burst", "256kb", "latency", "50ms"],
        ]
        for command in setup {
            let output = try runProcess(command)
            XCTAssertEqual(output.status, 0, "\(command.joined(separator: " ")): \(output.stderr)")
        }
        // OpenMPI calls the agent as `AGENT HOST COMMAND...`: run the command inside that host's namespace.
        let agent = runs.directory("enter-host.sh")
        try """
            #!/bin/sh
            host=$1; shift
            case $host in
              \(first)) ns=\(h1);;
              \(second)) ns=\(h2);;
              *) echo "enter-host: unknown host $host" >&2; exit 1;;
            esac
            exec ip netns exec $ns /bin/sh -c "$*"
            """.write(to: agent, atomically: true, encoding: .utf8)
        chmod(agent.path, 0o755)

        // Buckets of 16 KiB: several per network, issued during the backward pass.
        // The same configuration for the launcher as for `tandem train` (the launcher's default is the quick-start preset).
        let arguments = [
            "--steps", "20", "--batch-size", "64", "--width", "64", "--log-every", "10", "--bucket-mb", "0.015625",
            "--config", Package.root.appendingPathComponent("configs/wgan-gp-8gaussians.yaml").path,
        ]
        let local = try runs.train("local", ranks: 2, arguments)
        let remote = runs.directory("two-hosts")
        let trace = runs.directory("two-hosts.json")
        let mpiArguments = "--mca plm_rsh_agent \(agent.path) --mca btl tcp,self --mca btl_tcp_if_include \(subnet)/24 --mca oob_tcp_if_include \(subnet)/24"
        let output = try runProcess(
            ["ip", "netns", "exec", h1, Package.launcher, "--hosts", "\(first):1,\(second):1", "--mpi-args", mpiArguments, "train", "--run-dir", remote.path, "--timeline", trace.path]
                + arguments,
            environment: ["TANDEM_BINARY": try Package.binary()], timeout: 180)
        XCTAssertEqual(output.status, 0, output.stdout + output.stderr)
        XCTAssertTrue(output.stdout.contains("on 2 ranks; parameters identical on every rank"), output.stdout)
        for network in ["generator", "critic"] {
            let distance = SafeTensorsFile.relativeDistance(
                try runs.checkpointFile(local, step: 20, network), try runs.checkpointFile(remote, step: 20, network))
            XCTAssertLessThanOrEqual(distance, 1e-6, network)
        }
        // Every rank issued critic buckets before its backward pass ended.
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: trace)) as? [String: Any]
        let spans = try XCTUnwrap(object?["traceEvents"] as? [[String: Any]]).filter { $0["ph"] as? String == "X" }
        for rank in 0..<2 {
            let own = spans.filter { $0["pid"] as? Int == rank }
            let backwards = own.filter { $0["name"] as? String == "backward critic" }.compactMap { span -> Range<Double>? in
                guard let start = span["ts"] as? Double, let duration = span["dur"] as? Double else { return nil }
                return start..<(start + duration)
            }
            let issues = own.filter { ($0["name"] as? String)?.hasPrefix("issue critic bucket") == true }.compactMap { $0["ts"] as? Double }
            let during = issues.filter { time in backwards.contains { $0.contains(time) } }
            XCTAssertFalse(backwards.isEmpty, "rank \(rank): no backward spans")
            XCTAssertGreaterThan(during.count, issues.count / 2, "rank \(rank): \(during.count) of \(issues.count) critic buckets issued during the backward pass")
        }
    }
}
