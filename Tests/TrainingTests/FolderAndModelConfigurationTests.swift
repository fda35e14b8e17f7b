import Plot
import Data
import GAN
import XCTest

@testable import Training

/// The keys of the folder dataset, flips, the new model kinds and the initialization.
final class FolderAndModelConfigurationTests: XCTestCase {
    private func configuration(_ flags: [String]) throws -> TrainingConfiguration {
        try TrainingConfiguration(try resolvedValues(flags: flags))
    }

    func testDefaults() throws {
        let plain = try configuration([])
        XCTAssertEqual(plain.initialization, .he)
        XCTAssertNil(plain.dataChannels)
        XCTAssertFalse(plain.dataFlip)
        XCTAssertNil(plain.cacheDirectory)
        let folder = ["--dataset", "folder", "--data", "/tmp/pictures"]
        XCTAssertEqual(try configuration(folder).dataResolution, 32)
        XCTAssertEqual(try configuration(folder + ["--model", "dcgan64"]).dataResolution, 64, "the model's side by default")
        XCTAssertEqual(try configuration(folder + ["--model", "dcgan64"]).width, 64)
        XCTAssertEqual(try configuration(folder + ["--model", "resnet"]).width, 128)
        XCTAssertEqual(try configuration(folder + ["--model", "resnet"]).latentDimension, 128)
        let set = try configuration(folder + ["--channels", "1", "--resolution", "64", "--flip", "--cache-dir", "/tmp/c", "--init", "pytorch"])
        XCTAssertEqual(set.dataChannels, 1)
        XCTAssertEqual(set.dataResolution, 64)
        XCTAssertTrue(set.dataFlip)
        XCTAssertEqual(set.cacheDirectory, "/tmp/c")
        XCTAssertEqual(set.initialization, .pytorch)
    }

    func testEveryNewKeyIsValidatedWithOneLine() {
        let folder = ["--dataset", "folder", "--data", "/tmp/pictures"]
        assertConfigurationFails(flags: folder + ["--channels", "2"], with: "--channels: data.channels: must be 1 (grayscale) or 3 (RGB), got 2")
        assertConfigurationFails(yaml: "data: {resolution: 48}", flags: folder, with: "run.yaml: data.resolution: must be 32 or 64, got 48")
        assertConfigurationFails(flags: ["--resolution", "64"], with: "--resolution: data.resolution: applies only to data.dataset folder, the dataset is 8gaussians")
        assertConfigurationFails(
            flags: ["--dataset", "npy", "--data", "x.npy", "--cache-dir", "/tmp"],
            with: "--cache-dir: data.cache_dir: applies only to data.dataset folder, the dataset is npy")
        assertConfigurationFails(flags: ["--init", "xavier"], with: "--init: model.init: expected one of he, pytorch, got 'xavier'")
        assertConfigurationFails(flags: ["--model", "resnet50"], with: "--model: model.kind: expected one of mlp, dcgan, dcgan64, resnet, got 'resnet50'")
        assertConfigurationFails(yaml: "data: {flip: sometimes}", with: "run.yaml: data.flip: expected true or false, got 'sometimes'")
        assertConfigurationFails(flags: ["--dataset", "folder"], with: "--dataset: data.path: dataset folder needs its data: pass --data PATH")
    }

    func testModelsRefuseImagesOfAnotherSize() throws {
        let cases: [([String], [Int], String)] = [
            (["--model", "dcgan64"], [3, 32, 32], "--model: model.kind: dcgan64 needs 64x64 images, the samples of 8gaussians have shape [3, 32, 32]"),
            (["--model", "resnet"], [2], "--model: model.kind: resnet needs 32x32 images, the samples of 8gaussians have shape [2]"),
            (
                ["--model", "resnet", "--dataset", "folder", "--data", "d", "--resolution", "64"], [3, 64, 64],
                "--model: model.kind: resnet needs 32x32 images, the samples of d have shape [3, 64, 64] (set data.resolution to 32)"
            ),
        ]
        for (flags, shape, message) in cases {
            XCTAssertThrowsError(try ModelFactory(config: try configuration(flags), sampleShape: shape)) { error in
                XCTAssertEqual("\(error)", message)
            }
        }
        let resnet = try ModelFactory(config: try configuration(["--model", "resnet", "--width", "4"]), sampleShape: [1, 32, 32])
        XCTAssertEqual(try resnet.generator().namedParameters[0].tensor.shape, [4 * 4 * 8, 128], "generator twice the critic's width")
        XCTAssertEqual(try resnet.critic().namedParameters[0].tensor.shape, [4, 1, 3, 3])
    }

    func testTheInitializationKeyReachesTheModels() throws {
        let he = try ModelFactory(config: try configuration(["--model", "dcgan", "--width", "4"]), sampleShape: [1, 28, 28])
        let pytorch = try ModelFactory(config: try configuration(["--model", "dcgan", "--width", "4", "--init", "pytorch"]), sampleShape: [1, 28, 28])
        // The generator's Linear(128 → 256): He bias 0; PyTorch's bias U(±1/√128), not all zero.
        XCTAssertEqual(try he.generator().namedParameters[1].tensor.scalars.map(abs).max(), 0)
        let bias = try pytorch.generator().namedParameters[1].tensor.scalars.map(abs).max() ?? 0
        XCTAssertGreaterThan(bias, 0)
        XCTAssertLessThanOrEqual(bias, 1 / Float(128).squareRoot())
    }

    func testFlipsWrapImageDataAndAreRefusedForPoints() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-flip-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let folder = scratch.appendingPathComponent("pictures")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pixels = (0..<(16 * 12 * 3)).map { UInt8($0 % 251) }
        try PNGEncoder(width: 16, height: 12, colorType: .rgb, pixels: pixels).write(to: folder.appendingPathComponent("a.png"))
        let dataset = try DatasetFactory.make(try configuration(["--dataset", "folder", "--data", folder.path, "--flip", "--seed", "3"]))
        XCTAssertTrue(dataset is HorizontallyFlipped)
        XCTAssertEqual(dataset.sampleShape, [3, 32, 32])
        XCTAssertThrowsError(try DatasetFactory.make(try configuration(["--flip"]))) { error in
            XCTAssertEqual("\(error)", "--flip: data.flip: flips images, the data (8gaussians) holds samples of shape [2]")
        }
    }
}
