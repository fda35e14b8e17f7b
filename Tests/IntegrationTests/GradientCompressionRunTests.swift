import Foundation
import XCTest

/// Gradients sent as 16 bits still train: a short toy run and a short run on MNIST-like
/// images with fp16 and bf16 end as close to the uncompressed run as a run with
/// another seed is (the runs' own noise), and train (the toy's energy distance falls).
/// That `none` keeps exact world-size invariance is WorldSizeInvarianceTests (none is
/// the default).
final class GradientCompressionRunTests: XCTestCase {
    private func energyDistances(_ run: URL) throws -> [Int: Double] {
        var distances: [Int: Double] = [:]
        for line in try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let distance = object["eval_energy_distance"] as? Double, let step = object["step"] as? Int
            else { continue }
            distances[step] = distance
        }
        return distances
    }

    func testAToyRunWithSixteenBitGradientsTrainsAsWellAsWithinTheNoiseOfAnotherSeed() throws {
        let runs = try TrainingRuns("compression-toy")
        defer { runs.remove() }
        let arguments = ["--steps", "200", "--batch-size", "128", "--width", "64", "--eval-every", "100", "--eval-samples", "500", "--sample-every", "0",
                         "--log-every", "100", "--checkpoint-every", "0"]
        let reference = try energyDistances(try runs.train("none", ranks: 2, arguments))
        let noise = abs(try XCTUnwrap(try energyDistances(try runs.train("seed1", ranks: 2, arguments + ["--seed", "1"]))[200]) - reference[200, default: 0])
        for compression in ["fp16", "bf16"] {
            let distances = try energyDistances(try runs.train(compression, ranks: 2, arguments + ["--grad-compression", compression]))
            let (middle, end) = (try XCTUnwrap(distances[100]), try XCTUnwrap(distances[200]))
            XCTAssertLessThan(end, 0.8 * middle, "\(compression): the energy distance should fall as it trains")
            XCTAssertLessThanOrEqual(abs(end - reference[200, default: 0]), noise, "\(compression): \(end) against \(reference[200, default: 0]) uncompressed")
        }
    }

    func testAShortRunOnImagesWithSixteenBitGradientsStaysWithinTheNoiseOfAnotherSeed() throws {
        let runs = try TrainingRuns("compression-images")
        defer { runs.remove() }
        let images = runs.directory("digits.npy")
        try writeSyntheticDigits(count: 96, to: images)
        let arguments = [
            "--dataset", "npy", "--data", images.path, "--model", "dcgan", "--width", "4", "--z-dim", "8", "--steps", "40", "--n-critic", "2",
            "--batch-size", "16", "--penalty-weight", "10", "--log-every", "10", "--sample-every", "0", "--checkpoint-every", "0",
        ]
        let reference = try runs.train("none", ranks: 2, arguments)
        let other = try runs.train("seed1", ranks: 2, arguments + ["--seed", "1"])
        let compressed = try ["fp16", "bf16"].map { ($0, try runs.train($0, ranks: 2, arguments + ["--grad-compression", $0])) }
        for network in ["generator", "critic"] {
            let noise = SafeTensorsFile.relativeDistance(try runs.checkpointFile(reference, step: 40, network), try runs.checkpointFile(other, step: 40, network))
            for (compression, run) in compressed {
                let distance = SafeTensorsFile.relativeDistance(try runs.checkpointFile(reference, step: 40, network), try runs.checkpointFile(run, step: 40, network))
                XCTAssertGreaterThan(distance, 0, "\(compression) \(network): 16-bit gradients should change the run a little")
                XCTAssertLessThan(distance, 0.01 * noise, "\(compression) \(network): \(distance) from the uncompressed run, another seed \(noise)")
            }
        }
    }
}
