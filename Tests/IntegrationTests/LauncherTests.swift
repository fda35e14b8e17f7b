import Foundation
import XCTest

/// `./launch --dry-run` builds the mpirun command line users would run, and bad
/// invocations end with one line and exit code 2.
final class LauncherTests: XCTestCase {
    private var cores: Int { ProcessInfo.processInfo.activeProcessorCount }
    private var binary: String {
        ProcessInfo.processInfo.environment["TANDEM_BINARY"] ?? Package.root.appendingPathComponent(".build/release/tandem").path
    }
    private var asRoot: [String] { getuid() == 0 ? ["--allow-run-as-root"] : [] }
    /// The SLURM variables of the test's own environment, cleared for the local cases.
    private let noSlurm = ["SLURM_JOB_ID": "", "SLURM_NTASKS": ""]

    private func dryRun(_ arguments: [String], environment: [String: String] = [:]) throws -> [String] {
        let output = try runProcess([Package.launcher, "--dry-run"] + arguments, environment: environment)
        XCTAssertEqual(output.status, 0, output.stderr)
        return output.stdout.trimmingCharacters(in: .newlines).components(separatedBy: " ")
    }

    /// What `train` without --config gets: the quick-start preset.
    private var quickstart: [String] { ["--config", Package.root.appendingPathComponent("configs/quickstart.yaml").path] }

    private func threads(_ n: Int) -> [String] { ["-x", "OPENBLAS_NUM_THREADS=\(n)", "-x", "OMP_NUM_THREADS=\(n)"] }

    func testLocalRunUsesEveryCoreWithOneBLASThreadPerRank() throws {
        let words = try dryRun(["train", "--steps", "5"], environment: noSlurm)
        XCTAssertEqual(words, ["mpirun", "-q", "-np", "\(cores)"] + asRoot + threads(1) + [binary, "train"] + quickstart + ["--steps", "5"])
    }

    func testMoreRanksThanCoresOversubscribe() throws {
        let n = cores + 1
        let words = try dryRun(["-n", "\(n)", "selftest"], environment: noSlurm)
        XCTAssertEqual(words, ["mpirun", "-q", "-np", "\(n)"] + asRoot + ["--oversubscribe"] + threads(1) + [binary, "selftest"])
    }

    func testFewerRanksThanCoresShareTheCoresAsBLASThreads() throws {
        let words = try dryRun(["-n", "1", "selftest"], environment: noSlurm)
        XCTAssertEqual(words, ["mpirun", "-q", "-np", "1"] + asRoot + threads(cores) + [binary, "selftest"])
    }

    func testHostListPassesThroughAndCountsItsSlots() throws {
        let words = try dryRun(["--hosts", "node1:2,node2:3", "train"], environment: noSlurm)
        XCTAssertEqual(words, ["mpirun", "-q", "--host", "node1:2\\,node2:3", "-np", "5"] + asRoot + threads(1) + [binary, "train"] + quickstart)
    }

    func testHostfilePassesThroughAndCountsItsSlots() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hosts-\(getpid())")
        try "# cluster\nnode1 slots=4\nnode2 slots=2   # second\nnode3\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let words = try dryRun(["--hostfile", file.path, "-n", "8", "train"], environment: noSlurm)
        XCTAssertEqual(words, ["mpirun", "-q", "--hostfile", file.path, "-np", "8"] + asRoot + ["--oversubscribe"] + threads(1) + [binary, "train"] + quickstart)
    }

    func testInsideASlurmAllocationWithoutPMIxMpirunTakesTheHostsFromSlurm() throws {
        let words = try dryRun(["train"], environment: ["SLURM_JOB_ID": "4242", "SLURM_NTASKS": "16", "TANDEM_SRUN": "/nonexistent/srun"])
        XCTAssertEqual(words, ["mpirun", "-q", "-np", "16"] + asRoot + threads(1) + [binary, "train"] + quickstart)
    }

    /// A stand-in for srun that lists the MPI plugins SLURM would.
    private func fakeSrun(plugins: String) throws -> URL {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("srun-\(getpid())-\(plugins.count)")
        try "#!/bin/sh\nprintf 'MPI plugin types are...\\n\\t\(plugins)\\n' >&2\n".write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        return script
    }

    func testInsideASlurmAllocationWithPMIxSrunStartsTheTasks() throws {
        let srun = try fakeSrun(plugins: "pmix\\n\\tnone")
        defer { try? FileManager.default.removeItem(at: srun) }
        let slurm = ["SLURM_JOB_ID": "4242", "SLURM_NTASKS": "16", "TANDEM_SRUN": srun.path]
        let exports = "--export=ALL\\,OPENBLAS_NUM_THREADS=1\\,OMP_NUM_THREADS=1"
        XCTAssertEqual(try dryRun(["train"], environment: slurm), [srun.path, "--mpi=pmix", "--kill-on-bad-exit=1", "-n", "16", exports, binary, "train"] + quickstart)
        XCTAssertEqual(
            try dryRun(["-n", "20", "train"], environment: slurm),
            [srun.path, "--mpi=pmix", "--kill-on-bad-exit=1", "-n", "20", exports, "--overcommit", binary, "train"] + quickstart)
        // Asked for mpirun, or an srun without PMIx: mpirun, as without srun.
        let mpirun = ["mpirun", "-q", "-np", "16"] + asRoot + threads(1) + [binary, "train"] + quickstart
        XCTAssertEqual(try dryRun(["train"], environment: slurm.merging(["TANDEM_SLURM_LAUNCH": "mpirun"]) { $1 }), mpirun)
        let noPMIx = try fakeSrun(plugins: "none")
        defer { try? FileManager.default.removeItem(at: noPMIx) }
        XCTAssertEqual(try dryRun(["train"], environment: slurm.merging(["TANDEM_SRUN": noPMIx.path]) { $1 }), mpirun)
    }

    func testExtraMPIArgumentsAreAppended() throws {
        let words = try dryRun(["-n", "2", "--mpi-args", "--mca btl_tcp_if_include eth0", "selftest"], environment: noSlurm)
        XCTAssertEqual(words, ["mpirun", "-q", "-np", "2"] + asRoot + threads(1) + ["--mca", "btl_tcp_if_include", "eth0", binary, "selftest"])
    }

    func testDebugModeRunsTandemDirectly() throws {
        let words = try dryRun(["--debug", "train", "--steps", "3"])
        XCTAssertEqual(words, [binary, "train"] + quickstart + ["--steps", "3", "--debug"])
    }

    func testTrainWithoutAConfigRunsTheQuickStartPresetAndOtherwiseNothingIsAdded() throws {
        let local = ["mpirun", "-q", "-np", "2"] + asRoot + threads(1) + [binary]
        XCTAssertEqual(try dryRun(["-n", "2", "train", "--steps", "7"], environment: noSlurm), local + ["train"] + quickstart + ["--steps", "7"])
        for given in [["--config", "configs/wgan-gp-mnist.yaml"], ["--config=configs/x.yaml"], ["--run-dir", "runs/x", "--resume"]] {
            XCTAssertEqual(try dryRun(["-n", "2", "train"] + given, environment: noSlurm), local + ["train"] + given)
        }
        XCTAssertEqual(try dryRun(["-n", "2", "eval", "--run-dir", "runs/x"], environment: noSlurm), local + ["eval", "--run-dir", "runs/x"])
    }

    func testBadInvocationsEndWithOneLineAndExitCodeTwo() throws {
        let cases: [([String], [String: String], String)] = [
            (["--bogus", "train"], [:], "unknown option '--bogus'"),
            (["-n", "0", "train"], [:], "-n must be at least 1"),
            (["-n", "two", "train"], [:], "'two' is not a whole number"),
            (["--hostfile", "/nonexistent/hosts", "train"], [:], "'/nonexistent/hosts' does not exist"),
            (["--hosts", "a:x", "train"], [:], "expected a positive whole number"),
            (["-n"], [:], "-n needs a number of ranks"),
            (["-n", "2"], [:], "no tandem subcommand given"),
            (["train"], ["TANDEM_MPIRUN": "/nonexistent/mpirun"], "apt-get install -y openmpi-bin"),
            (["--max-restarts", "2", "eval", "--run-dir", "runs/x"], [:], "--max-restarts restarts training runs only"),
            (["--max-restarts", "1", "--dry-run", "sample", "--run-dir", "runs/x", "--out", "x.png"], [:], "not 'sample'"),
        ]
        for (arguments, environment, message) in cases {
            let output = try runProcess([Package.launcher] + arguments, environment: environment)
            XCTAssertEqual(output.status, 2, "\(arguments)")
            XCTAssertEqual(output.errorLines.count, 1, "\(arguments): \(output.stderr)")
            XCTAssertTrue(output.stderr.contains(message), "\(arguments): \(output.stderr)")
        }
    }

    func testTandemRejectsAnUnknownFlagWithOneLineAndExitCodeTwo() throws {
        let output = try runProcess([try Package.binary(), "selftest", "--no-such-flag"])
        XCTAssertEqual(output.status, 2)
        XCTAssertEqual(output.errorLines, ["error: Unknown option '--no-such-flag'"])
    }
}
