import Plot
import Data
import Foundation
import XCTest

/// `tandem train --dataset folder` end to end: ranks decode the folder together the first
/// time, later runs read the cache, and 1 and 2 ranks train the same model.
final class FolderDatasetRunTests: XCTestCase {
    private let tolerance = 1e-4

    /// 30 images: RGB PNGs of several sizes (some in a subfolder), RGB JPEGs, two gray PNGs, one broken file.
    static func writePictures(to folder: URL, count: Int = 30) throws {
        for i in 0..<count {
            let (width, height) = (40 + 3 * i, 36 + (i % 5) * 7)
            let channels = i % 10 == 9 ? 1 : 3
            var pixels: [UInt8] = []
            for y in 0..<height {
                for x in 0..<width {
                    for c in 0..<channels { pixels.append(UInt8((x * (3 + i % 4) + y * 5 + c * 70 + i * 13) % 256)) }
                }
            }
            let image = DecodedImage(width: width, height: height, channels: channels, pixels: pixels)
            let name = i % 4 == 0 ? "sub/\(i).jpg" : (i % 3 == 0 ? "sub/\(i).png" : "\(i).png")
            let url = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let bytes = name.hasSuffix(".jpg")
                ? try JPEGEncoder.encode(image)
                : PNGEncoder(width: width, height: height, colorType: channels == 1 ? .gray : .rgb, pixels: pixels).encoded()
            try Foundation.Data(bytes).write(to: url)
        }
        try Foundation.Data("not an image".utf8).write(to: folder.appendingPathComponent("broken.png"))
    }

    func testOneAndTwoRanksDecodeTheFolderOnceAndTrainTheSameModel() throws {
        let runs = try TrainingRuns("folder-run")
        defer { runs.remove() }
        let folder = runs.directory("pictures")
        try Self.writePictures(to: folder)
        let arguments = [
            "--dataset", "folder", "--data", folder.path, "--model", "dcgan", "--width", "2", "--z-dim", "8", "--flip", "--steps", "3",
            "--n-critic", "2", "--batch-size", "10", "--penalty-weight", "10", "--log-every", "1", "--sample-every", "0",
        ]
        var runDirectories: [URL] = []
        for ranks in [1, 2] {
            let cache = runs.directory("cache-\(ranks)")
            let runDirectory = runs.directory("run-\(ranks)")
            let first = try runs.tandem(ranks: ranks, ["train", "--run-dir", runDirectory.path, "--cache-dir", cache.path] + arguments)
            XCTAssertEqual(first.status, 0, first.stderr)
            let lines = first.stdout.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.filter { $0.hasPrefix("decoding 31 image files in ") && $0.contains("on \(ranks) rank") }.count, 1, first.stdout)
            XCTAssertEqual(lines.filter { $0.hasPrefix("warning: skipping ") && $0.hasSuffix("broken.png: not a PNG or JPEG image (it starts with bytes 6e 6f 74 20)") }.count, 1, first.stdout)
            let cacheFiles = try FileManager.default.contentsOfDirectory(atPath: cache.path)
            XCTAssertEqual(cacheFiles.count, 1)
            XCTAssertEqual(
                Set(try FileManager.default.contentsOfDirectory(atPath: cache.appendingPathComponent(cacheFiles[0]).path)), ["images.npy", "manifest.json"])
            runDirectories.append(runDirectory)

            // Again: read from the cache, nothing decoded, nothing warned, the same model.
            let again = try runs.tandem(ranks: ranks, ["train", "--run-dir", runs.directory("again-\(ranks)").path, "--cache-dir", cache.path] + arguments)
            XCTAssertEqual(again.status, 0, again.stderr)
            XCTAssertFalse(again.stdout.contains("decoding") || again.stdout.contains("warning"), again.stdout)
            try assertSameParameters(runs, runDirectory, runs.directory("again-\(ranks)"))
        }
        try assertSameParameters(runs, runDirectories[0], runDirectories[1])
    }

    private func assertSameParameters(_ runs: TrainingRuns, _ a: URL, _ b: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        for network in ["generator", "critic"] {
            let distance = SafeTensorsFile.relativeDistance(try runs.checkpointFile(a, step: 3, network), try runs.checkpointFile(b, step: 3, network))
            XCTAssertLessThanOrEqual(distance, tolerance, "\(network): \(a.lastPathComponent) vs \(b.lastPathComponent)", file: file, line: line)
        }
    }
}
