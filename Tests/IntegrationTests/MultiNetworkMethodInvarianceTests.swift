import Foundation
import XCTest

/// Trust-the-Critics, conditional transport and the Choquet-Toland critics: the same run on
/// 1, 2 and 3 ranks (13 samples: 7 + 6, then 5 + 4 + 4) ends with the same parameters, a TTC
/// run resumed inside a critic's phase on another number of ranks ends like a straight run,
/// and `tandem sample` pushes fresh source samples through the TTC chain. SGD keeps float
/// noise in zero gradients from turning into full steps (as Adam would).
final class MultiNetworkMethodInvarianceTests: XCTestCase {
    private let tolerance = 1e-4
    private let sgd = ["--optimizer-d", "sgd", "--lr-d", "0.01", "--optimizer-g", "sgd", "--lr-g", "0.01"]

    private func assertSame(_ runs: TrainingRuns, _ reference: URL, _ other: URL, step: Int, files: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        for name in files {
            let distance = SafeTensorsFile.relativeDistance(try runs.checkpointFile(reference, step: step, name), try runs.checkpointFile(other, step: step, name))
            XCTAssertLessThanOrEqual(distance, tolerance, "\(name) of \(other.lastPathComponent) vs \(reference.lastPathComponent)", file: file, line: line)
        }
    }

    private func assertInvariant(_ name: String, _ arguments: [String], step: Int, files: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let runs = try TrainingRuns(name)
        defer { runs.remove() }
        let all = arguments + ["--batch-size", "13", "--steps", "\(step)", "--checkpoint-every", "\(step)", "--sample-every", "0", "--log-every", "2"] + sgd
        let one = try runs.train("one", ranks: 1, all, file: file, line: line)
        for ranks in [2, 3] {
            try assertSame(runs, one, try runs.train("ranks\(ranks)", ranks: ranks, all, file: file, line: line), step: step, files: files, file: file, line: line)
        }
    }

    private let ttc = ["--method", "ttc", "--width", "16", "--ttc-critics", "3", "--ttc-critic-steps", "4", "--ttc-lambda", "10", "--ttc-one-sided"]

    func testTrustTheCriticsOnOneTwoAndThreeRanks() throws {
        try assertInvariant("ttc-invariance", ttc, step: 12, files: ["critic_0", "critic_1", "critic_2", "method"])
        // A dataset source with added noise: 25 Gaussians pushed to 8.
        try assertInvariant(
            "ttc-source-invariance", ttc + ["--ttc-source", "25gaussians", "--ttc-noise-std", "0.1"], step: 8, files: ["critic_0", "critic_1", "method"])
    }

    func testTrustTheCriticsResumedInsideAPhaseOnAnotherNumberOfRanksEqualsAStraightRun() throws {
        let runs = try TrainingRuns("ttc-resume")
        defer { runs.remove() }
        let arguments = ttc + ["--batch-size", "13", "--sample-every", "0", "--log-every", "2", "--checkpoint-every", "6"] + sgd
        let straight = try runs.train("straight", ranks: 2, arguments + ["--steps", "12"])
        // Step 6 is the third update of critic 1 (4 updates per critic).
        let resumed = try runs.train("resumed", ranks: 1, arguments + ["--steps", "6"])
        let output = try runs.tandem(ranks: 3, ["train", "--run-dir", resumed.path, "--resume", "--steps", "12"])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.contains("resuming from"), output.stdout)
        try assertSame(runs, straight, resumed, step: 12, files: ["critic_0", "critic_1", "critic_2", "method"])
        let method = try runs.checkpointFile(straight, step: 12, "method")
        XCTAssertEqual(method.entries["finished_critics"]?.values, [3])
        XCTAssertEqual(method.entries["step_sizes"]?.values.filter { $0 != 0 }.count, 3)

        // tandem sample: fresh noise pushed down the three critics.
        let samples = runs.directory("samples.npy"), inputs = runs.directory("inputs.npy")
        let sampled = try runs.tandem(ranks: 1, ["sample", "--run-dir", straight.path, "-n", "20", "--out", samples.path, "--z-out", inputs.path])
        XCTAssertEqual(sampled.status, 0, sampled.stderr)
        let (moved, start) = (try Data(contentsOf: samples), try Data(contentsOf: inputs))
        XCTAssertEqual(moved.count, start.count)
        XCTAssertNotEqual(moved, start, "the pushes moved nothing")
    }

    func testConditionalTransportOnOneTwoAndThreeRanks() throws {
        let common = ["--method", "ct", "--width", "16", "--z-dim", "4", "--ct-navigator-width", "8"]
        try assertInvariant("ct-invariance", common + ["--ct-generator-steps", "2"], step: 3, files: ["generator", "navigator"])
        try assertInvariant(
            "act-invariance", common + ["--ct-form", "feature", "--ct-feature-dim", "4", "--n-critic", "1", "--ct-generator-steps", "2"], step: 3,
            files: ["generator", "navigator", "critic"])
    }

    func testChoquetTolandOnOneTwoAndThreeRanks() throws {
        try assertInvariant(
            "choquet-invariance",
            ["--method", "choquet", "--dataset", "gaussiancircle", "--z-dim", "4", "--choquet-critic-width", "8", "--choquet-critic-layers", "3",
             "--choquet-generator-width", "8", "--choquet-generator-layers", "3", "--n-critic", "2"], step: 3, files: ["generator", "critic_0", "critic_1"])
    }
}
