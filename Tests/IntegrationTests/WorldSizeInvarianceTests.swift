import Foundation
import XCTest

/// The same run on 1, 2 and 3 ranks ends with the same parameters: the global batch,
/// its noise and its penalty draws do not depend on how many ranks share it. Float
/// sums in another order differ in the last bits, so parameters are compared by
/// ‖θ₁ − θ_R‖ / ‖θ₁‖ per network.
final class WorldSizeInvarianceTests: XCTestCase {
    private let tolerance = 1e-4

    private func assertSameParameters(_ runs: TrainingRuns, _ reference: URL, _ other: URL, step: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        for network in ["generator", "critic"] {
            let distance = SafeTensorsFile.relativeDistance(
                try runs.checkpointFile(reference, step: step, network), try runs.checkpointFile(other, step: step, network))
            XCTAssertLessThanOrEqual(distance, tolerance, "\(network) of \(other.lastPathComponent) vs \(reference.lastPathComponent)", file: file, line: line)
        }
    }

    func testAToyWGANGPRunEndsWithTheSameParametersOnOneTwoAndThreeRanks() throws {
        let runs = try TrainingRuns("toy-invariance")
        defer { runs.remove() }
        // 64 samples: 32 + 32 on two ranks, 22 + 21 + 21 on three (an uneven split).
        let arguments = ["--steps", "20", "--batch-size", "64", "--width", "64", "--log-every", "10", "--checkpoint-every", "20"]
        let one = try runs.train("one", ranks: 1, arguments)
        for ranks in [2, 3] {
            try assertSameParameters(runs, one, try runs.train("ranks\(ranks)", ranks: ranks, arguments), step: 20)
        }
        // On one host the ranks default to the sharded split (each rank's optimizer on its
        // share) without overlap; the replicated split with overlap (the defaults across
        // hosts) trains the same model.
        try assertSameParameters(
            runs, one, try runs.train("replicated3", ranks: 3, arguments + ["--update-split", "replicated", "--overlap"]), step: 20)
    }

    func testASmallDCGANRunOnSyntheticImagesEndsWithTheSameParametersOnOneTwoAndThreeRanks() throws {
        let runs = try TrainingRuns("dcgan-invariance")
        defer { runs.remove() }
        let images = runs.directory("digits.npy")
        try writeSyntheticDigits(count: 96, to: images)
        let arguments = [
            "--dataset", "npy", "--data", images.path, "--model", "dcgan", "--width", "4", "--z-dim", "16", "--steps", "3",
            "--n-critic", "2", "--batch-size", "12", "--penalty-weight", "10", "--log-every", "1", "--sample-every", "0",
        ]
        let one = try runs.train("one", ranks: 1, arguments)
        for ranks in [2, 3] {
            try assertSameParameters(runs, one, try runs.train("ranks\(ranks)", ranks: ranks, arguments), step: 3)
        }
    }

    /// The run must move each network far more than the tolerance between checkpoints
    /// `from` and `to`, or a wrong gradient scale could hide under it.
    private func assertTrainingMoves(_ runs: TrainingRuns, _ run: URL, from: Int, to: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        for network in ["generator", "critic"] {
            let moved = SafeTensorsFile.relativeDistance(try runs.checkpointFile(run, step: to, network), try runs.checkpointFile(run, step: from, network))
            XCTAssertGreaterThan(moved, 20 * tolerance, "\(network) barely moves from step \(from) to \(to)", file: file, line: line)
        }
    }

    /// Plain SGD steps by the gradient itself, so (unlike Adam, which divides out its scale)
    /// it shows a rank normalizing by its own slice instead of the global batch: with 2
    /// ranks the summed gradient would be twice too large, with 3 uneven ones skewed.
    func testSGDTrainingOfTheMLPEndsWithTheSameParametersOnOneTwoAndThreeRanks() throws {
        let runs = try TrainingRuns("sgd-mlp-invariance")
        defer { runs.remove() }
        // 64 samples: 32 + 32 on two ranks, 22 + 21 + 21 on three.
        let arguments = [
            "--steps", "20", "--batch-size", "64", "--width", "64", "--log-every", "10", "--checkpoint-every", "10",
            "--optimizer-d", "sgd", "--optimizer-g", "sgd", "--lr-d", "0.005", "--lr-g", "0.005",
        ]
        let one = try runs.train("one", ranks: 1, arguments)
        try assertTrainingMoves(runs, one, from: 10, to: 20)
        for ranks in [2, 3] {
            try assertSameParameters(runs, one, try runs.train("ranks\(ranks)", ranks: ranks, arguments), step: 20)
        }
    }

    func testSGDTrainingOfTheDCGANEndsWithTheSameParametersOnOneTwoAndThreeRanks() throws {
        let runs = try TrainingRuns("sgd-dcgan-invariance")
        defer { runs.remove() }
        let images = runs.directory("digits.npy")
        try writeSyntheticDigits(count: 96, to: images)
        // 14 samples: 7 + 7 on two ranks, 5 + 5 + 4 on three.
        let arguments = [
            "--dataset", "npy", "--data", images.path, "--model", "dcgan", "--width", "4", "--z-dim", "16", "--steps", "4",
            "--n-critic", "2", "--batch-size", "14", "--penalty-weight", "10", "--log-every", "1", "--sample-every", "0",
            "--checkpoint-every", "2", "--optimizer-d", "sgd", "--optimizer-g", "sgd", "--lr-d", "0.01", "--lr-g", "1",
        ]
        let one = try runs.train("one", ranks: 1, arguments)
        try assertTrainingMoves(runs, one, from: 2, to: 4)
        for ranks in [2, 3] {
            try assertSameParameters(runs, one, try runs.train("ranks\(ranks)", ranks: ranks, arguments), step: 4)
        }
    }

    func testBatchNormInTheGeneratorUsesGlobalBatchStatisticsSoRanksTrainTheSameModel() throws {
        // Without synchronized statistics each rank normalizes its own slice and the runs
        // drift apart by about 3e-2; with them they agree to float precision.
        let runs = try TrainingRuns("syncbn-invariance")
        defer { runs.remove() }
        let images = runs.directory("digits.npy")
        try writeSyntheticDigits(count: 96, to: images)
        let arguments = [
            "--dataset", "npy", "--data", images.path, "--model", "dcgan", "--width", "4", "--z-dim", "8", "--batch-norm",
            "--steps", "3", "--n-critic", "2", "--batch-size", "12", "--penalty-weight", "10", "--sample-every", "0",
        ]
        let one = try runs.train("one", ranks: 1, arguments)
        for ranks in [2, 3] {
            try assertSameParameters(runs, one, try runs.train("ranks\(ranks)", ranks: ranks, arguments), step: 3)
        }
    }

    func testRanksEmulatedAsThreadsInDebugModeTrainTheSameModelAsMPIRanks() throws {
        let runs = try TrainingRuns("emulated")
        defer { runs.remove() }
        let arguments = ["--steps", "10", "--batch-size", "64", "--width", "32", "--log-every", "5"]
        let mpi = try runs.train("mpi", ranks: 3, arguments)
        let emulated = runs.directory("emulated")
        let output = try runProcess([try Package.binary(), "train", "--debug", "--emulate-ranks", "3", "--run-dir", emulated.path] + arguments)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.contains("on 3 ranks; parameters identical on every rank"), output.stdout)
        try assertSameParameters(runs, mpi, emulated, step: 10)
    }

    func testResumingFromACheckpointOnAnotherNumberOfRanksEqualsAStraightRun() throws {
        let runs = try TrainingRuns("resume")
        defer { runs.remove() }
        let arguments = ["--batch-size", "64", "--width", "64", "--log-every", "5", "--checkpoint-every", "10"]
        let straight = try runs.train("straight", ranks: 2, arguments + ["--steps", "20"])
        for (first, second) in [(2, 2), (1, 3)] {
            let name = "resumed-\(first)-\(second)"
            let resumed = try runs.train(name, ranks: first, arguments + ["--steps", "10"])
            let output = try runs.tandem(ranks: second, ["train", "--run-dir", resumed.path, "--resume", "--steps", "20"])
            XCTAssertEqual(output.status, 0, output.stderr)
            XCTAssertTrue(output.stdout.contains("resuming from"), output.stdout)
            try assertSameParameters(runs, straight, resumed, step: 20)
        }
    }

    /// A checkpoint written before methods had named phases has a state.json without
    /// phase_steps, data_step and method; it resumes as an adversarial run and ends
    /// like a straight run.
    func testACheckpointInTheEarlierStateFormatResumesAsTheSameRun() throws {
        let runs = try TrainingRuns("resume-old-format")
        defer { runs.remove() }
        let arguments = ["--batch-size", "64", "--width", "32", "--log-every", "5", "--checkpoint-every", "5"]
        let straight = try runs.train("straight", ranks: 2, arguments + ["--steps", "10"])
        let resumed = try runs.train("old", ranks: 2, arguments + ["--steps", "5"])
        let stateFile = resumed.appendingPathComponent("checkpoints/step-0000005/state.json")
        var state = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: stateFile)) as? [String: Any])
        XCTAssertEqual(state["phase_steps"] as? [String: Int], ["critic": 25, "generator": 5])
        for key in ["phase_steps", "data_step", "method"] { state[key] = nil }
        try JSONSerialization.data(withJSONObject: state, options: [.sortedKeys]).write(to: stateFile)
        let output = try runs.tandem(ranks: 2, ["train", "--run-dir", resumed.path, "--resume", "--steps", "10"])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.contains("resuming from \(resumed.path)/checkpoints/step-0000005 at step 5"), output.stdout)
        try assertSameParameters(runs, straight, resumed, step: 10)
    }
}
