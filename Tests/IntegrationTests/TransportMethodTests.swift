import Foundation
import XCTest

/// The sliced Wasserstein and Sinkhorn generators under mpirun: the same run on 1, 2 and
/// 3 ranks (13 samples: 5 + 4 + 4 on three ranks) ends with the same parameters, and the
/// per-rank estimator (`scope: rank`) on 2 ranks ends elsewhere, so the gathers do work.
/// SGD, so every gradient counts at its scale.
final class TransportMethodTests: XCTestCase {
    private let tolerance = 1e-4
    private let common = [
        "--dataset", "25gaussians", "--width", "32", "--steps", "5", "--batch-size", "13", "--optimizer-g", "sgd", "--lr-g", "0.05",
        "--log-every", "5", "--checkpoint-every", "5", "--sample-every", "0",
    ]

    /// ‖θ_a − θ_b‖ / ‖θ_a‖ of each network's final checkpoint.
    private func distances(_ runs: TrainingRuns, _ a: URL, _ b: URL, networks: [String]) throws -> [String: Double] {
        var result: [String: Double] = [:]
        for network in networks {
            result[network] = SafeTensorsFile.relativeDistance(try runs.checkpointFile(a, step: 5, network), try runs.checkpointFile(b, step: 5, network))
        }
        return result
    }

    /// Trains `arguments` on 1, 2 and 3 ranks and with the per-rank estimator on 2 ranks.
    private func checkInvariance(_ name: String, _ arguments: [String], networks: [String], scopeFlag: String) throws {
        let runs = try TrainingRuns("transport-\(name)")
        defer { runs.remove() }
        let one = try runs.train("one", ranks: 1, common + arguments)
        for ranks in [2, 3] {
            for (network, distance) in try distances(runs, one, try runs.train("ranks\(ranks)", ranks: ranks, common + arguments), networks: networks) {
                XCTAssertLessThanOrEqual(distance, tolerance, "\(name): \(network) on \(ranks) ranks")
            }
        }
        let perRank = try runs.train("per-rank", ranks: 2, common + arguments + [scopeFlag, "rank"])
        let generator = try distances(runs, one, perRank, networks: ["generator"])["generator"] ?? 0
        XCTAssertGreaterThan(generator, 1e-3, "\(name): the per-rank estimator on 2 ranks should train another generator")
    }

    func testMonteCarloSlicedWassersteinOnRawPointsTrainsTheSameModelOnOneTwoAndThreeRanks() throws {
        try checkInvariance("sw-mc", ["--method", "sw", "--sw-projections", "64"], networks: ["generator"], scopeFlag: "--sw-scope")
    }

    func testSlicedWassersteinInCriticFeaturesTrainsTheSameModelsOnOneTwoAndThreeRanks() throws {
        let critic = ["--method", "sw", "--sw-features", "critic", "--sw-critic-width", "16", "--optimizer-d", "sgd", "--lr-d", "0.05"]
        try checkInvariance("sw-mc-critic", critic + ["--sw-projections", "32"], networks: ["generator", "critic"], scopeFlag: "--sw-scope")
        try checkInvariance("sw-clt-critic", critic + ["--sw-estimator", "clt"], networks: ["generator", "critic"], scopeFlag: "--sw-scope")
    }

    func testSinkhornTrainsTheSameModelOnOneTwoAndThreeRanks() throws {
        // Debias ratio 0.2 of 13: two fresh rows, none on the third rank.
        let arguments = ["--method", "sinkhorn", "--sinkhorn-epsilon", "0.1", "--sinkhorn-p", "2", "--sinkhorn-iterations", "20"]
        try checkInvariance("sinkhorn", arguments, networks: ["generator"], scopeFlag: "--sinkhorn-scope")
    }

    func testStepBenchmarkTimesAPresetOnRandomImagesAndReportsTheGatherShare() throws {
        let runs = try TrainingRuns("transport-bench")
        defer { runs.remove() }
        let presets: [(String, [String])] = [
            ("sw-mnist.yaml", ["--batch-size", "16", "--sw-projections", "64", "--width", "8"]),
            ("sinkhorn-mnist.yaml", ["--batch-size", "10", "--width", "8"]),
        ]
        for (preset, flags) in presets {
            let config = Package.root.appendingPathComponent("configs/\(preset)").path
            let output = try runs.tandem(ranks: 2, ["bench", "step", "--config", config, "--iters", "2", "--warmup", "1"] + flags)
            XCTAssertEqual(output.status, 0, "\(preset): \(output.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any] ?? [:]
            XCTAssertEqual(object["ranks"] as? Int, 2, output.stdout)
            XCTAssertEqual((object["data"] as? String)?.hasPrefix("random images [1, 28, 28]"), true, output.stdout)
            XCTAssertGreaterThan(object["gen_iters_per_s"] as? Double ?? 0, 0, output.stdout)
            XCTAssertGreaterThan(object["loss_collectives_share_rank0"] as? Double ?? 0, 0, output.stdout)
            XCTAssertLessThan(object["loss_collectives_share_rank0"] as? Double ?? 1, 1, output.stdout)
        }
    }
}
