import Foundation
import XCTest

/// The monoflow, gran and mmd methods under real mpirun: the same run on 1, 2 and 3
/// ranks (64 = 22 + 21 + 21 on three: uneven) ends with the same parameters; the
/// mmd run gathers features across ranks and clips per tensor. SGD, unlike Adam, sees
/// a wrong gradient scale and does not turn float noise in a zero gradient into full
/// steps. A run with the KID schedule, stopped and resumed on other ranks, ends like
/// the straight run and halves its learning rates on the way.
final class MethodInvarianceTests: XCTestCase {
    private let tolerance = 1e-4
    private let common = [
        "--dataset", "25gaussians", "--width", "16", "--batch-size", "64", "--n-critic", "2", "--log-every", "2", "--sample-every", "0",
        "--optimizer-d", "sgd", "--optimizer-g", "sgd", "--lr-d", "0.05", "--lr-g", "0.05",
    ]

    private func assertSame(_ runs: TrainingRuns, _ reference: URL, _ other: URL, step: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        for network in ["generator", "critic"] {
            let distance = SafeTensorsFile.relativeDistance(
                try runs.checkpointFile(reference, step: step, network), try runs.checkpointFile(other, step: step, network))
            XCTAssertLessThanOrEqual(distance, tolerance, "\(network) of \(other.lastPathComponent)", file: file, line: line)
        }
    }

    private func assertInvariant(_ name: String, _ arguments: [String], steps: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let runs = try TrainingRuns("\(name)-invariance")
        defer { runs.remove() }
        let all = common + arguments + ["--steps", "\(steps)"]
        let one = try runs.train("one", ranks: 1, all, file: file, line: line)
        let initial = try runs.train("initial", ranks: 1, common + arguments + ["--steps", "1", "--lr-d", "1e-12", "--lr-g", "1e-12"])
        XCTAssertGreaterThan(
            SafeTensorsFile.relativeDistance(try runs.checkpointFile(one, step: steps, "generator"), try runs.checkpointFile(initial, step: 1, "generator")),
            1e-3, "the run must move the generator", file: file, line: line)
        for ranks in [2, 3] {
            try assertSame(runs, one, try runs.train("ranks\(ranks)", ranks: ranks, all, file: file, line: line), step: steps, file: file, line: line)
        }
    }

    func testMonoFlowTrainsTheSameModelOnOneTwoAndThreeRanks() throws {
        try assertInvariant("monoflow", ["--method", "monoflow", "--monoflow-h", "arcsinh"], steps: 6)
    }

    func testGraNTrainsTheSameModelOnOneTwoAndThreeRanks() throws {
        try assertInvariant("gran", ["--method", "gran", "--penalty", "none", "--gran-epsilon", "0.01"], steps: 5)
        try assertInvariant("gn", ["--method", "gran", "--penalty", "none", "--gran-variant", "gn", "--objective", "hinge"], steps: 4)
    }

    func testMMDWithItsGlobalBatchTrainsTheSameModelOnOneTwoAndThreeRanks() throws {
        try assertInvariant("mmd", ["--method", "mmd", "--penalty", "none", "--mmd-dof-dim", "4"], steps: 4)
    }

    func testAnMMDRunWithTheKIDScheduleResumedOnOtherRanksEndsLikeTheStraightRun() throws {
        let runs = try TrainingRuns("mmd-kid-resume")
        defer { runs.remove() }
        let arguments = common + [
            "--method", "mmd", "--penalty", "none", "--mmd-dof-dim", "4", "--mmd-kid-schedule", "--mmd-kid-every", "1",
            "--mmd-kid-samples", "48", "--mmd-kid-memory", "2", "--mmd-kid-patience", "1", "--checkpoint-every", "5",
        ]
        let straight = try runs.train("straight", ranks: 2, arguments + ["--steps", "10"])
        let resumed = try runs.train("resumed", ranks: 1, arguments + ["--steps", "5"])
        let output = try runs.tandem(ranks: 3, ["train", "--run-dir", resumed.path, "--resume", "--steps", "10"])
        XCTAssertEqual(output.status, 0, output.stderr)
        try assertSame(runs, straight, resumed, step: 10)
        let rates = try lastLearningRates(straight)
        XCTAssertLessThan(rates.generator, 0.05, "the schedule halved the rate at least once")
        XCTAssertEqual(rates.generator, rates.critic, accuracy: 1e-12, "both rates are scaled together")
        XCTAssertEqual(try lastLearningRates(resumed).generator, rates.generator, "the resumed run decided the same")
    }

    /// lr_g and lr_d of the last line of metrics.jsonl.
    private func lastLearningRates(_ run: URL) throws -> (generator: Double, critic: Double) {
        let text = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        let lines = text.split(separator: "\n").filter { $0.contains("\"lr_g\"") }
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(lines.last).utf8)) as? [String: Any])
        return (try XCTUnwrap(object["lr_g"] as? Double), try XCTUnwrap(object["lr_d"] as? Double))
    }
}
