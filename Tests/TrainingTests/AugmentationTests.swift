import TestSupport
import Autograd
import MPI
import XCTest

@testable import Training

/// The `augment.*` keys, and ADA's p in training: the same on every rank, and the
/// same on 1, 2 and 3 ranks (ranks as threads, so every rank's p can be read).
final class AugmentationTests: XCTestCase {
    private let images = ["--dataset", "npy", "--data", "/unused.npy", "--model", "dcgan"]

    func testTheAugmentKeysAreCheckedWithOneLineNamingTheKey() {
        assertConfigurationFails(flags: images + ["--augment", "ada", "--ada-target", "0"], with: "--ada-target: augment.target: must be in (0, 1), got 0")
        assertConfigurationFails(flags: images + ["--ada-target", "1"], with: "--ada-target: augment.target: must be in (0, 1), got 1")
        assertConfigurationFails(yaml: "augment: {target: -0.5}", with: "run.yaml: augment.target: must be in (0, 1), got -0.5")
        assertConfigurationFails(flags: ["--ada-kimg", "0"], with: "--ada-kimg: augment.ada_kimg: must be positive, got 0")
        assertConfigurationFails(flags: ["--ada-interval", "0"], with: "--ada-interval: augment.ada_interval: must be at least 1, got 0")
        assertConfigurationFails(flags: ["--augment-p", "1.5"], with: "--augment-p: augment.p: must be in [0, 1], got 1.5")
        assertConfigurationFails(
            flags: ["--augment-policy", "color,colour"],
            with: "--augment-policy: augment.policy: unknown transform 'colour' (expected a comma-separated list of color, translation, cutout)")
        assertConfigurationFails(flags: ["--augment", "ada"], with: "--augment: augment.kind: ada augments images, the data (8gaussians) holds 2-D points")
        assertConfigurationFails(flags: ["--data-limit", "100"], with: "--data-limit: data.limit: needs a dataset read from files, 8gaussians draws its samples")
        assertConfigurationFails(flags: images + ["--data-limit", "0"], with: "--data-limit: data.limit: must be at least 1, got 0")
        XCTAssertNil(configurationError(flags: images + ["--augment", "diffaugment", "--augment-policy", "cutout, color", "--data-limit", "10"]))
    }

    func testAugmentationRefusesPointsAndADARefusesImagesThatAreNotSquare() throws {
        let config = try TrainingConfiguration(try resolvedValues(flags: images + ["--augment", "ada"]))
        let settings = try AugmentSettings(config)
        XCTAssertNoThrow(try settings.check(sampleShape: [1, 28, 28], config: config))
        XCTAssertThrowsError(try settings.check(sampleShape: [2], config: config)) {
            XCTAssertEqual("\($0)", "--augment: augment.kind: ada augments images, the data's samples have shape [2]")
        }
        XCTAssertThrowsError(try settings.check(sampleShape: [3, 28, 32], config: config)) {
            XCTAssertEqual("\($0)", "--augment: augment.kind: ada turns images by quarter turns and needs square ones, the data's are 28x32")
        }
    }

    /// ADA's state on every rank after a short run on `ranks` thread ranks, and rank 0's parameters.
    private func trainADA(ranks: Int, in directory: URL) throws -> (states: [[Float]], parameters: [[Float]]) {
        let values = try resolvedValues(flags: images + [
            "--run-dir", directory.appendingPathComponent("ranks\(ranks)").path, "--augment", "ada", "--augment-p", "0.5", "--ada-kimg", "0.2",
            "--ada-interval", "2", "--width", "4", "--z-dim", "8", "--steps", "4", "--n-critic", "2", "--batch-size", "13", "--log-every", "2",
            "--sample-every", "0", "--checkpoint-every", "0", "--objective", "nonsaturating", "--penalty", "r1", "--penalty-weight", "1",
            "--optimizer-d", "sgd", "--optimizer-g", "sgd", "--lr-d", "0.05", "--lr-g", "0.05",
        ])
        let config = try TrainingConfiguration(values)
        let results = try ThreadGroup.run(ranks: ranks) { comm -> ([Float], [[Float]]) in
            let trainer = try Trainer(
                config: config, comm: comm, options: TrainerOptions(showProgress: false), dataset: RandomImages(channels: 1, size: 28, seed: 4),
                say: { _ in })
            _ = try trainer.run()
            let method = try XCTUnwrap(trainer.method as? AdversarialMethod)
            return (method.extraState.tensors.map(\.item), method.networks.map { $0.parameters.values.scalars })
        }
        return (results.map(\.0), results[0].1)
    }

    func testADAsProbabilityIsTheSameOnEveryRankAndOnOneTwoAndThreeRanks() throws {
        let directory = try TemporaryDirectory()
        let one = try trainADA(ranks: 1, in: directory.url)
        let p = one.states[0][0]
        // 8 critic steps: 4 updates of p by ±13·2/200 = 0.13 from 0.5, clamped to [0, 1].
        XCTAssertNotEqual(p, 0.5, "the run must move p")
        XCTAssertEqual(min(max(((p - 0.5) / 0.13).rounded() * 0.13 + 0.5, 0), 1), p, accuracy: 1e-5)
        for ranks in [2, 3] {
            let run = try trainADA(ranks: ranks, in: directory.url)
            for (rank, state) in run.states.enumerated() { XCTAssertEqual(state, one.states[0], "rank \(rank) of \(ranks)") }
            for (a, b) in zip(one.parameters, run.parameters) {
                let distance = zip(a, b).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +).squareRoot()
                XCTAssertLessThanOrEqual(distance / a.map { Double($0) * Double($0) }.reduce(0, +).squareRoot(), 1e-5, "\(ranks) ranks")
            }
        }
    }
}
