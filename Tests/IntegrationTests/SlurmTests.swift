import Foundation
import XCTest

/// Tandem on a real (one-node) SLURM cluster started for these tests: `salloc ./launch
/// train`, the README's sbatch script (examples/slurm/train.sbatch) and `srun --mpi=pmix`
/// direct launch train on 2 ranks to the parameters of `./launch -n 2 train`, and
/// `scancel` of a running batch job leaves a checkpoint and says how to continue.
final class SlurmTests: XCTestCase {
    nonisolated(unsafe) private static var cluster: Result<SlurmCluster, any Error>?

    override class func setUp() {
        cluster = Result { try SlurmCluster(name: "tests") }
    }

    override class func tearDown() {
        if case .success(let running) = cluster { running.stop() }
        cluster = nil
    }

    private func started() throws -> SlurmCluster { try XCTUnwrap(Self.cluster).get() }

    private let script = "examples/slurm/train.sbatch"
    /// Named config: `tandem train` started by srun directly must train what the launcher's runs train.
    private let small = [
        "--steps", "20", "--batch-size", "64", "--width", "32", "--log-every", "10", "--sample-every", "0",
        "--config", Package.root.appendingPathComponent("configs/wgan-gp-8gaussians.yaml").path,
    ]

    /// The cluster's client settings and the binary the launcher runs.
    private func environment(_ cluster: SlurmCluster, _ extra: [String: String] = [:]) throws -> [String: String] {
        cluster.environment.merging(["TANDEM_BINARY": try Package.binary()]) { $1 }.merging(extra) { $1 }
    }

    private func assertSameParameters(_ runs: TrainingRuns, _ reference: URL, _ other: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        for network in ["generator", "critic"] {
            let distance = SafeTensorsFile.relativeDistance(
                try runs.checkpointFile(reference, step: 20, network), try runs.checkpointFile(other, step: 20, network))
            XCTAssertLessThanOrEqual(distance, 1e-6, "\(network) of \(other.lastPathComponent)", file: file, line: line)
        }
    }

    func testSallocSbatchAndSrunDirectLaunchTrainOnTwoRanksToTheParametersOfTheLauncher() throws {
        let cluster = try started()
        let runs = try TrainingRuns("slurm-invariance")
        defer { runs.remove() }
        let reference = runs.directory("mpirun")
        let local = try runProcess([Package.launcher, "-n", "2", "train", "--run-dir", reference.path] + small, environment: ["TANDEM_BINARY": try Package.binary()])
        XCTAssertEqual(local.status, 0, local.stderr)

        // salloc: the launcher starts the allocation's 2 tasks with srun --mpi=pmix, or with mpirun when told to.
        for (name, extra) in [("salloc", [String: String]()), ("salloc-mpirun", ["TANDEM_SLURM_LAUNCH": "mpirun"])] {
            let run = runs.directory(name)
            let output = try runProcess(
                ["salloc", "-n", "2", Package.launcher, "train", "--run-dir", run.path] + small, environment: try environment(cluster, extra),
                directory: Package.root, timeout: 180)
            XCTAssertEqual(output.status, 0, "\(name): \(output.stdout) \(output.stderr) \(cluster.logs())")
            XCTAssertTrue(output.stdout.contains("on 2 ranks; parameters identical on every rank"), "\(name): \(output.stdout)")
            try assertSameParameters(runs, reference, run)
        }

        // sbatch with the README's script, submitted from the checkout as the README says.
        let batch = runs.directory("sbatch")
        let log = runs.directory("sbatch.out")
        let id = try cluster.submit(script, ["--run-dir", batch.path] + small, output: log, directory: Package.root, environment: try environment(cluster))
        let state = try cluster.waitForEnd(ofJob: id, timeout: 180)
        let printed = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        XCTAssertEqual(state, "COMPLETED", printed)
        XCTAssertTrue(printed.contains("on 2 ranks; parameters identical on every rank"), printed)
        try assertSameParameters(runs, reference, batch)

        // srun direct launch: the ranks get their rank and size from SLURM's PMIx server.
        let plugins = try runProcess(["srun", "--mpi=list"], environment: try environment(cluster))
        XCTAssertTrue((plugins.stdout + plugins.stderr).contains("pmix"), "srun --mpi=list: \(plugins.stdout) \(plugins.stderr)")
        let direct = runs.directory("srun")
        let output = try runProcess(
            ["srun", "--mpi=pmix", "-n", "2", "--export=ALL,OPENBLAS_NUM_THREADS=1", try Package.binary(), "train", "--run-dir", direct.path] + small,
            environment: try environment(cluster), timeout: 180)
        XCTAssertEqual(output.status, 0, "\(output.stdout) \(output.stderr) \(cluster.logs())")
        XCTAssertTrue(output.stdout.contains("on 2 ranks; parameters identical on every rank"), output.stdout)
        try assertSameParameters(runs, reference, direct)
    }

    func testTwoNodesInSeparateNetworkNamespacesTrainToTheParametersOfOneHost() throws {
        // A cluster of its own: node tandem2's slurmd lives in another network namespace,
        // so its rank talks to tandem1's over TCP on a veth link, as between two machines.
        let cluster = try SlurmCluster(name: "two-nodes", twoNodes: true)
        defer { cluster.stop() }
        let runs = try TrainingRuns("slurm-two-nodes")
        defer { runs.remove() }
        let reference = runs.directory("mpirun")
        let local = try runProcess([Package.launcher, "-n", "2", "train", "--run-dir", reference.path] + small, environment: ["TANDEM_BINARY": try Package.binary()])
        XCTAssertEqual(local.status, 0, local.stderr)
        let run = runs.directory("two-nodes")
        let output = try runProcess(
            ["salloc", "-N", "2", "-n", "2", "sh", "-c", "echo nodes $SLURM_JOB_NODELIST && exec \"$0\" \"$@\"", Package.launcher, "train", "--run-dir", run.path] + small,
            environment: try environment(cluster), directory: Package.root, timeout: 180)
        XCTAssertEqual(output.status, 0, "\(output.stdout) \(output.stderr) \(cluster.logs())")
        XCTAssertTrue(output.stdout.contains("nodes tandem[1-2]"), output.stdout)
        XCTAssertTrue(output.stdout.contains("on 2 ranks; parameters identical on every rank"), output.stdout)
        try assertSameParameters(runs, reference, run)
    }

    func testScancelOfARunningBatchJobLeavesACheckpointAndTheOutputSaysHowToResume() throws {
        let cluster = try started()
        let runs = try TrainingRuns("slurm-scancel")
        defer { runs.remove() }
        let run = runs.directory("run")
        let log = runs.directory("job.out")
        let long = ["--steps", "1000000", "--batch-size", "256", "--width", "256", "--checkpoint-every", "20", "--log-every", "10", "--sample-every", "0"]
        let id = try cluster.submit(script, ["--run-dir", run.path] + long, output: log, directory: Package.root, environment: try environment(cluster))
        let first = run.appendingPathComponent("checkpoints/step-0000020/state.json")
        let deadline = Date().addingTimeInterval(180)
        while !FileManager.default.fileExists(atPath: first.path) {
            let state = try cluster.state(ofJob: id)
            guard Date() < deadline, ["RUNNING", "PENDING", "CONFIGURING"].contains(state) else {
                return XCTFail("no first checkpoint; job \(state): \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            }
            usleep(100_000)
        }
        let cancel = try runProcess(["scancel", id], environment: cluster.environment)
        XCTAssertEqual(cancel.status, 0, cancel.stderr)
        _ = try cluster.waitForEnd(ofJob: id, timeout: 120)
        let output = try String(contentsOf: log, encoding: .utf8)
        let advice = try XCTUnwrap(output.split(separator: "\n").first { $0.hasPrefix("launch: stopped on request; checkpoint ") }, output)
        XCTAssertTrue(advice.hasSuffix("; to continue: ./launch train --run-dir \(run.path) --resume"), String(advice))
        let checkpoint = String(advice.dropFirst("launch: stopped on request; checkpoint ".count).prefix { $0 != ";" })
        XCTAssertTrue(FileManager.default.fileExists(atPath: checkpoint + "/state.json"), "\(checkpoint): \(output)")
        XCTAssertTrue(output.contains("continue with --resume"), "the ranks' own line: \(output)")

        // The advice works: the run continues from that checkpoint.
        let step = try XCTUnwrap(Int(checkpoint.suffix(7)))
        let resumed = try runProcess(
            [Package.launcher, "-n", "2", "train", "--run-dir", run.path, "--resume", "--steps", "\(step + 2)"], environment: ["TANDEM_BINARY": try Package.binary()])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("resuming from \(checkpoint)"), resumed.stdout)
    }

    func testTheReadmeShowsExactlyTheSbatchScriptTheseTestsSubmit() throws {
        let script = try String(contentsOf: Package.root.appendingPathComponent(self.script), encoding: .utf8)
        let readme = try String(contentsOf: Package.root.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("```bash\n" + script + "```\n"), "README.md's SLURM section must show \(self.script) as it is")
    }
}
