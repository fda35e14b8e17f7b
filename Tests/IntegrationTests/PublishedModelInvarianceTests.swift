import Foundation
import XCTest

/// The DCGAN 64×64 and SNGAN ResNet models train the same on 1, 2 and 3 ranks: batch
/// norm inside residual blocks is synchronized, and the gradient penalty's double
/// backward runs through residual blocks, pooling and upsampling.
final class PublishedModelInvarianceTests: XCTestCase {
    private let tolerance = 1e-4

    private func assertInvariant(_ name: String, _ arguments: [String], steps: Int) throws {
        let runs = try TrainingRuns(name)
        defer { runs.remove() }
        let folder = runs.directory("pictures")
        try FolderDatasetRunTests.writePictures(to: folder, count: 24)
        let common = ["--dataset", "folder", "--data", folder.path, "--cache-dir", runs.directory("cache").path, "--sample-every", "0"]
        let one = try runs.train("one", ranks: 1, common + arguments)
        for ranks in [2, 3] {
            let other = try runs.train("ranks\(ranks)", ranks: ranks, common + arguments)
            for network in ["generator", "critic"] {
                let distance = SafeTensorsFile.relativeDistance(
                    try runs.checkpointFile(one, step: steps, network), try runs.checkpointFile(other, step: steps, network))
                XCTAssertLessThanOrEqual(distance, tolerance, "\(name) \(network) on \(ranks) ranks")
            }
        }
    }

    func testDCGAN64WithAGradientPenaltyEndsWithTheSameParametersOnOneTwoAndThreeRanks() throws {
        try assertInvariant(
            "dcgan64-invariance",
            ["--model", "dcgan64", "--width", "2", "--z-dim", "8", "--steps", "3", "--n-critic", "2", "--batch-size", "12", "--penalty-weight", "10"],
            steps: 3)
    }

    func testResNetWithSpectralNormAndAGradientPenaltyEndsWithTheSameParametersOnOneTwoAndThreeRanks() throws {
        try assertInvariant(
            "resnet-invariance",
            [
                "--model", "resnet", "--width", "2", "--z-dim", "8", "--spectral-norm", "--steps", "3", "--n-critic", "2", "--batch-size",
                "12", "--penalty-weight", "10", "--init", "pytorch",
            ],
            steps: 3)
    }
}
