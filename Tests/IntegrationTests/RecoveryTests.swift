import Foundation
import XCTest

/// What survives what: a killed rank (restart from the last checkpoint), a stop
/// signal (checkpoint, exit 0, resume), corrupt checkpoints (fallback), a full disk
/// (clean stop, previous checkpoint intact), non-finite gradients, a hung rank.
final class RecoveryTests: XCTestCase {
    /// A run slow enough (about 0.02 s a step) to be interrupted in the middle.
    /// gan_toy.py's WGAN-GP (5 critic steps per step): slow enough to be killed mid-run; named,
    /// so that the launcher's runs and `tandem train`'s reference train the same thing.
    private let slowRun = [
        "--steps", "300", "--width", "256", "--checkpoint-every", "100", "--log-every", "50", "--sample-every", "0",
        "--config", Package.root.appendingPathComponent("configs/wgan-gp-8gaussians.yaml").path,
    ]

    private func launch(_ arguments: [String]) throws -> BackgroundProcess {
        try BackgroundProcess([Package.launcher] + arguments, environment: ["TANDEM_BINARY": try Package.binary()])
    }

    private func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    private func sameCheckpointFile(_ a: URL, _ b: URL, step: Int, _ file: String) throws -> Bool {
        let name = "checkpoints/step-" + String(format: "%07d", step) + "/\(file).safetensors"
        return try Data(contentsOf: a.appendingPathComponent(name)) == Data(contentsOf: b.appendingPathComponent(name))
    }

    func testKillingARankMidRunRestartsFromTheLastCheckpointAndEndsWithTheUninterruptedParameters() throws {
        let runs = try TrainingRuns("kill")
        defer { runs.remove() }
        let reference = try runs.train("reference", ranks: 2, slowRun)
        let run = runs.directory("killed")
        let job = try launch(["-n", "2", "--max-restarts", "1", "train", "--run-dir", run.path] + slowRun)
        try job.wait(until: { exists(run.appendingPathComponent("checkpoints/step-0000100/state.json")) }, timeout: 120, what: "first checkpoint")
        let victim = try XCTUnwrap(try processIDs(matching: "tandem train --run-dir \(run.path)").last)
        kill(victim, SIGKILL)
        let output = try job.finish()
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stderr.contains("restart 1 of 1 with --resume"), output.stderr)
        // At most checkpoint_every steps were redone: it resumed from the checkpoint written before the kill.
        let resumed = try XCTUnwrap(output.stdout.range(of: #"at step (\d+)"#, options: .regularExpression).map { String(output.stdout[$0]) })
        XCTAssertTrue(["at step 100", "at step 200"].contains(resumed), resumed)
        for file in ["generator", "critic", "optimizers"] {
            XCTAssertTrue(try sameCheckpointFile(reference, run, step: 300, file), "\(file) differs from the uninterrupted run")
        }
    }

    func testSIGTERMStopsAtAStepBoundaryWithACheckpointAndExitZeroAndResumeFinishesTheSameRun() throws {
        let runs = try TrainingRuns("sigterm")
        defer { runs.remove() }
        let reference = try runs.train("reference", ranks: 2, slowRun)
        let run = runs.directory("stopped")
        let job = try launch(["-n", "2", "train", "--run-dir", run.path] + slowRun)
        try job.wait(until: { exists(run.appendingPathComponent("checkpoints/step-0000100/state.json")) }, timeout: 120, what: "first checkpoint")
        kill(job.process.processIdentifier, SIGTERM)
        let stopped = try job.finish()
        XCTAssertEqual(stopped.status, 0, stopped.stderr)
        let line = try XCTUnwrap(stopped.stdout.split(separator: "\n").first { $0.hasPrefix("stopped at step") }.map(String.init), stopped.stdout)
        let step = try XCTUnwrap(Int(line.split(separator: " ")[3]))
        XCTAssertTrue(exists(run.appendingPathComponent("checkpoints/step-" + String(format: "%07d", step) + "/state.json")), line)

        let resumed = try runs.tandem(ranks: 2, ["train", "--run-dir", run.path, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        for file in ["generator", "critic"] {
            XCTAssertTrue(try sameCheckpointFile(reference, run, step: 300, file), "\(file) differs from the uninterrupted run")
        }
    }

    func testCopiesOfOneStopRequestArrivingTogetherCountOnceAndStillLeaveACheckpoint() throws {
        // scancel signals every process of a job, and mpirun, srun and the launcher pass
        // signals on: one rank can get SIGTERM and SIGUSR1 within milliseconds. That is one
        // request, not the "second signal" that aborts.
        let runs = try TrainingRuns("double-signal")
        defer { runs.remove() }
        let run = runs.directory("run")
        let job = try BackgroundProcess([try Package.binary(), "train", "--debug", "--run-dir", run.path] + slowRun)
        try job.wait(until: { exists(run.appendingPathComponent("checkpoints/step-0000100/state.json")) }, timeout: 120, what: "first checkpoint")
        kill(job.process.processIdentifier, SIGTERM)
        usleep(20_000)
        kill(job.process.processIdentifier, SIGUSR1)
        let output = try job.finish(timeout: 120)
        XCTAssertEqual(output.status, 0, output.stderr)
        let line = try XCTUnwrap(output.stdout.split(separator: "\n").first { $0.hasPrefix("stopped at step") }.map(String.init), output.stdout)
        let step = try XCTUnwrap(Int(line.split(separator: " ")[3]))
        XCTAssertTrue(exists(run.appendingPathComponent("checkpoints/step-" + String(format: "%07d", step) + "/state.json")), line)
    }

    func testACorruptLatestCheckpointIsReportedAndThePreviousValidOneIsUsed() throws {
        let runs = try TrainingRuns("corrupt")
        defer { runs.remove() }
        let arguments = ["--steps", "20", "--width", "16", "--batch-size", "32", "--checkpoint-every", "10"]
        let damages: [(String, (URL) throws -> Void)] = [
            ("truncated file", { dir in
                let file = dir.appendingPathComponent("critic.safetensors")
                try Data(contentsOf: file).prefix(100).write(to: file)
            }),
            ("flipped byte", { dir in
                let file = dir.appendingPathComponent("generator.safetensors")
                var data = try Data(contentsOf: file)
                data[data.count - 5] ^= 0x40
                try data.write(to: file)
            }),
            ("deleted state.json", { dir in try FileManager.default.removeItem(at: dir.appendingPathComponent("state.json")) }),
        ]
        for (name, damage) in damages {
            let run = try runs.train(name.replacingOccurrences(of: " ", with: "-"), ranks: 2, arguments)
            try damage(run.appendingPathComponent("checkpoints/step-0000020"))
            let output = try runs.tandem(ranks: 2, ["train", "--run-dir", run.path, "--resume", "--steps", "20"])
            XCTAssertEqual(output.status, 0, "\(name): \(output.stderr)")
            XCTAssertTrue(output.stdout.contains("warning: skipping checkpoint") && output.stdout.contains("step-0000020"), "\(name): \(output.stdout)")
            XCTAssertTrue(output.stdout.contains("resuming from \(run.path)/checkpoints/step-0000010"), "\(name): \(output.stdout)")
        }
    }

    func testAFullDiskDuringACheckpointStopsCleanlyAndKeepsThePreviousCheckpoint() throws {
        let runs = try TrainingRuns("disk-full")
        defer { runs.remove() }
        let mountPoint = runs.directory("tmpfs")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let mount = try runProcess(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", mountPoint.path])
        guard mount.status == 0 else { throw TestEnvironment.unavailable("cannot mount a tmpfs here (\(mount.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))") }
        defer { _ = try? runProcess(["umount", mountPoint.path]) }

        let run = mountPoint.appendingPathComponent("run")
        let job = try launch(["-n", "2", "train", "--run-dir", run.path] + slowRun)
        let first = run.appendingPathComponent("checkpoints/step-0000100")
        try job.wait(until: { exists(first.appendingPathComponent("state.json")) }, timeout: 120, what: "first checkpoint")
        // Fill the disk but for half a checkpoint: the logs still fit, the next checkpoint does not.
        let checkpointBytes = try FileManager.default.contentsOfDirectory(at: first, includingPropertiesForKeys: [.fileSizeKey])
            .reduce(0) { $0 + ((try $1.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0) }
        let free = try XCTUnwrap(try FileManager.default.attributesOfFileSystem(forPath: mountPoint.path)[.systemFreeSize] as? Int)
        XCTAssertTrue(FileManager.default.createFile(
            atPath: mountPoint.appendingPathComponent("filler").path, contents: Data(count: max(0, free - checkpointBytes / 2))))
        let output = try job.finish(timeout: 120)
        XCTAssertEqual(output.status, 2, output.stdout + output.stderr)
        XCTAssertEqual(output.errorLines.count, 1, output.stderr)
        XCTAssertTrue(output.stderr.contains("checkpoints/step-0000200") && output.stderr.contains("No space left on device"), output.stderr)
        let entries = try FileManager.default.contentsOfDirectory(atPath: run.appendingPathComponent("checkpoints").path)
        XCTAssertFalse(entries.contains { $0.hasPrefix(".tmp") }, "no half-written checkpoint is left: \(entries)")
        XCTAssertEqual(try String(contentsOf: run.appendingPathComponent("checkpoints/latest"), encoding: .utf8), "step-0000100\n")
        // The previous checkpoint is intact: a resume elsewhere starts from it.
        let copy = runs.directory("copy")
        try FileManager.default.copyItem(at: run, to: copy)
        let resumed = try runs.tandem(ranks: 2, ["train", "--run-dir", copy.path, "--resume", "--steps", "110"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("resuming from \(copy.path)/checkpoints/step-0000100"), resumed.stdout)
    }

    func testANonFiniteGradientStopsAtItsStepNamingTheNetworkUnlessSkippingIsAllowed() throws {
        let runs = try TrainingRuns("nonfinite")
        defer { runs.remove() }
        // 2-D points as float32 .npy with one NaN sample.
        let points = runs.directory("points.npy")
        var values = (0..<64).flatMap { i -> [Float] in [Float(i % 8) * 0.25, Float(i % 5) * -0.2] }
        values[2 * 37] = .nan
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (64, 2), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        data.append(contentsOf: withUnsafeBytes(of: UInt16(header.count + 1).littleEndian, Array.init))
        data.append(contentsOf: Array((header + "\n").utf8))
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        try data.write(to: points)
        let arguments = ["--dataset", "npy", "--data", points.path, "--width", "16", "--batch-size", "16", "--steps", "8", "--checkpoint-every", "4"]

        let stopped = try runs.tandem(ranks: 2, ["train", "--run-dir", runs.directory("stop").path] + arguments)
        XCTAssertEqual(stopped.status, 2, stopped.stderr)
        XCTAssertEqual(stopped.errorLines.count, 1, stopped.stderr)
        XCTAssertTrue(stopped.stderr.range(of: #"step \d+: critic gradient of '\d\.(weight|bias)' is not finite"#, options: .regularExpression) != nil, stopped.stderr)

        let skipped = try runs.tandem(ranks: 2, ["train", "--run-dir", runs.directory("skip").path, "--skip-nonfinite", "20"] + arguments)
        XCTAssertEqual(skipped.status, 0, skipped.stderr)
        XCTAssertTrue(skipped.stdout.contains("update skipped (1 of 20 allowed)"), skipped.stdout)
        XCTAssertTrue(skipped.stdout.contains("parameters identical on every rank"), skipped.stdout)
    }

    func testARankThatStopsAnsweringIsEndedByTheWatchdogWhichNamesIt() throws {
        let runs = try TrainingRuns("watchdog")
        defer { runs.remove() }
        let run = runs.directory("hung")
        let job = try launch([
            "-n", "2", "train", "--run-dir", run.path, "--watchdog-timeout", "2", "--steps", "100000", "--width", "128",
            "--config", Package.root.appendingPathComponent("configs/wgan-gp-8gaussians.yaml").path,
        ])
        try job.wait(until: { exists(run.appendingPathComponent("metrics.jsonl")) }, timeout: 60, what: "training start")
        let victim = try XCTUnwrap(try processIDs(matching: "tandem train --run-dir \(run.path)").last)
        kill(victim, SIGSTOP)
        let output = try job.finish(timeout: 60)
        XCTAssertEqual(output.status, 3, output.stderr)
        XCTAssertTrue(output.stderr.contains("(pid \(victim) on") && output.stderr.contains("is stopped"), output.stderr)
        XCTAssertTrue(try processIDs(matching: "tandem train --run-dir \(run.path)").isEmpty, "no rank is left behind")
    }
}
