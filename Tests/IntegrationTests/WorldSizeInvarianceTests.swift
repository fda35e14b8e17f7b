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
}
