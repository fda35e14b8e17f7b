import TestSupport
import Autograd
import Data
import Foundation
import XCTest

final class FolderDatasetTests: XCTestCase {
    private func load(
        _ folder: URL, cache: URL, resolution: Int = 32, channels: Int? = nil, warnings: inout [String]
    ) throws -> FolderDataset {
        var lines: [String] = []
        defer { warnings = lines }
        return try FolderDataset.load(
            directory: folder, resolution: resolution, channels: channels, cacheRoot: cache, pixelRange: .unit, say: { lines.append($0) })
    }

    /// Three RGB files (PNG and JPEG, one in a subfolder), two gray ones, and files that are not candidates.
    private func mixedFolder(_ root: URL) throws -> URL {
        let folder = root.appendingPathComponent("pictures")
        try ImageFixtures.write(ImageFixtures.png(width: 48, height: 40, channels: 3, seed: 1), "a.png", in: folder)
        try ImageFixtures.write(try ImageFixtures.jpeg(width: 64, height: 64, channels: 3, seed: 2), "b.JPG", in: folder)
        try ImageFixtures.write(ImageFixtures.png(width: 32, height: 32, channels: 3, seed: 3), "deeper/c.png", in: folder)
        try ImageFixtures.write(ImageFixtures.png(width: 20, height: 30, channels: 1, seed: 4), "deeper/d.png", in: folder)
        try ImageFixtures.write(try ImageFixtures.jpeg(width: 40, height: 24, channels: 1, seed: 5), "e.jpeg", in: folder)
        try ImageFixtures.write(Array("notes".utf8), "readme.txt", in: folder)
        try ImageFixtures.write(ImageFixtures.png(width: 8, height: 8, channels: 1, seed: 6), ".hidden/f.png", in: folder)
        return folder
    }

    func testAMixedFolderBecomesSquareSamplesInPathOrderWithTheChannelsOfMostFiles() throws {
        let scratch = try TemporaryDirectory()
        let folder = try mixedFolder(scratch.url)
        var warnings: [String] = []
        let dataset = try load(folder, cache: scratch.url.appendingPathComponent("cache"), warnings: &warnings)
        XCTAssertEqual(warnings, [])
        XCTAssertEqual(dataset.count, 5)
        XCTAssertEqual(dataset.sampleShape, [3, 32, 32])
        XCTAssertEqual(dataset.manifest.images, ["a.png", "b.JPG", "deeper/c.png", "deeper/d.png", "e.jpeg"])
        XCTAssertEqual(dataset.name, "pictures")

        // Sample 2 (c.png, 32 x 32 RGB) is its own pixels, planar, mapped to [0, 1].
        let pixels = ImageFixtures.pixels(width: 32, height: 32, channels: 3, seed: 3)
        let sample = dataset.batch(at: [2]).scalars
        XCTAssertEqual(sample[0], Float(pixels[0]) / 255)
        XCTAssertEqual(sample[1024 + 5 * 32 + 7], Float(pixels[(5 * 32 + 7) * 3 + 1]) / 255)
        // Sample 3 (d.png, gray 20 x 30) is its centred 20 x 20 square enlarged, in all three channels alike.
        let gray = dataset.batch(at: [3]).scalars
        XCTAssertEqual(Array(gray[0..<1024]), Array(gray[1024..<2048]))
        let square = SquareResampling.centerCropResized(
            DecodedImage(width: 20, height: 30, channels: 1, pixels: ImageFixtures.pixels(width: 20, height: 30, channels: 1, seed: 4)), side: 32)
        XCTAssertEqual(Array(gray[0..<1024]), square.map { Float($0) / 255 })
    }

    func testChannelsCanBeForcedAndAMostlyGrayFolderIsGray() throws {
        let scratch = try TemporaryDirectory()
        let folder = try mixedFolder(scratch.url)
        var warnings: [String] = []
        let cache = scratch.url.appendingPathComponent("cache")
        let gray = try load(folder, cache: cache, resolution: 64, channels: 1, warnings: &warnings)
        XCTAssertEqual(gray.sampleShape, [1, 64, 64])
        // b.JPG is 64 x 64 already: its gray sample is the luma of its decoded pixels.
        let decoded = try DecodedImage.decode(try ImageFixtures.jpeg(width: 64, height: 64, channels: 3, seed: 2))
        let planes = SquareResampling.centerCropResized(decoded, side: 64)
        XCTAssertEqual(gray.batch(at: [1]).scalars, ChannelConversion.gray(fromRGB: planes).map { Float($0) / 255 })

        try FileManager.default.removeItem(at: folder.appendingPathComponent("a.png"))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("b.JPG"))
        let auto = try load(folder, cache: cache, warnings: &warnings)
        XCTAssertEqual(auto.sampleShape, [1, 32, 32], "two gray files against one RGB")
    }

    func testTheCacheIsReusedWhileTheFolderIsUnchangedAndRebuiltWhenAFileChanges() throws {
        let scratch = try TemporaryDirectory()
        let folder = try mixedFolder(scratch.url)
        let cache = scratch.url.appendingPathComponent("cache")
        // A whole-second time, which setting it back reproduces exactly.
        let file = folder.appendingPathComponent("a.png")
        let stamp = Date(timeIntervalSince1970: 1_700_000_000)
        try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: file.path)
        var warnings: [String] = []
        let first = try load(folder, cache: cache, warnings: &warnings)
        let location = FolderCache(root: cache, folder: folder, resolution: 32, requestedChannels: nil)
        XCTAssertTrue(FileManager.default.fileExists(atPath: location.imagesFile.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: location.manifestFile.path))

        // Same size and modification time but other bytes: the cache cannot tell, so it is used.
        let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int)
        try Foundation.Data(repeating: 0x41, count: size).write(to: file)
        try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: file.path)
        let second = try load(folder, cache: cache, warnings: &warnings)
        XCTAssertEqual(warnings, [], "nothing decoded")
        XCTAssertEqual(second.batch(at: [0, 1, 2, 3, 4]).scalars, first.batch(at: [0, 1, 2, 3, 4]).scalars)

        // A newer modification time: rebuilt, and the garbage file is now skipped.
        try FileManager.default.setAttributes([.modificationDate: stamp.addingTimeInterval(5)], ofItemAtPath: file.path)
        let third = try load(folder, cache: cache, warnings: &warnings)
        XCTAssertEqual(third.count, 4)
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].hasPrefix("warning: skipping ") && warnings[0].contains("a.png: not a PNG or JPEG image"), warnings[0])

        // A new file: rebuilt again; another resolution has a cache of its own.
        try ImageFixtures.write(ImageFixtures.png(width: 10, height: 10, channels: 3, seed: 9), "z.png", in: folder)
        XCTAssertEqual(try load(folder, cache: cache, warnings: &warnings).count, 5)
        XCTAssertEqual(try load(folder, cache: cache, resolution: 64, warnings: &warnings).sampleShape, [3, 64, 64])
        XCTAssertEqual(try load(folder, cache: cache, warnings: &warnings).sampleShape, [3, 32, 32])
        XCTAssertEqual(warnings.count, 0, "cached: no warnings repeated")
    }

    func testUnreadableTruncatedAndNonImageFilesAreSkippedWithOneWarningEach() throws {
        let scratch = try TemporaryDirectory()
        let folder = try mixedFolder(scratch.url)
        let png = ImageFixtures.png(width: 30, height: 30, channels: 3, seed: 7)
        try ImageFixtures.write(Array(png.prefix(60)), "broken/truncated.png", in: folder)
        try ImageFixtures.write(Array("just text".utf8), "broken/text.jpg", in: folder)
        try ImageFixtures.write([], "broken/empty.jpeg", in: folder)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("broken/folder.png"), withIntermediateDirectories: true)
        // Unreadable even for root: a link to a file that does not exist.
        try FileManager.default.createSymbolicLink(
            at: folder.appendingPathComponent("broken/gone.png"), withDestinationURL: scratch.url.appendingPathComponent("nowhere.png"))
        var warnings: [String] = []
        let dataset = try load(folder, cache: scratch.url.appendingPathComponent("cache"), warnings: &warnings)
        XCTAssertEqual(dataset.count, 5)
        XCTAssertEqual(warnings.count, 4, "\(warnings)")
        let expected = ["empty.jpeg: empty file", "gone.png: cannot be read", "text.jpg: not a PNG or JPEG image", "truncated.png: PNG: "]
        for (line, name) in zip(warnings, expected) {
            XCTAssertTrue(line.hasPrefix("warning: skipping ") && line.contains("broken/" + name), line)
        }
        XCTAssertEqual(
            dataset.manifest.skipped.map(\.path), ["broken/empty.jpeg", "broken/gone.png", "broken/text.jpg", "broken/truncated.png"])
    }

    func testAFolderWhereMostFilesFailOrThatHoldsNoImageStops() throws {
        let scratch = try TemporaryDirectory()
        let bad = scratch.url.appendingPathComponent("bad")
        try ImageFixtures.write(ImageFixtures.png(width: 8, height: 8, channels: 1, seed: 0), "good.png", in: bad)
        for k in 0..<2 { try ImageFixtures.write(Array("x\(k)".utf8), "bad\(k).png", in: bad) }
        var warnings: [String] = []
        XCTAssertThrowsError(try load(bad, cache: scratch.url.appendingPathComponent("cache"), warnings: &warnings)) { error in
            XCTAssertEqual(
                "\(error)",
                "\(bad.relativePath): 2 of its 3 image files could not be decoded, expected most to be PNG or JPEG images "
                    + "(first: bad0.png: not a PNG or JPEG image (it starts with bytes 78 30))")
        }
        XCTAssertEqual(warnings.count, 2)

        let empty = scratch.url.appendingPathComponent("empty")
        try ImageFixtures.write(Array("text".utf8), "notes.txt", in: empty)
        XCTAssertThrowsError(try load(empty, cache: scratch.url.appendingPathComponent("cache"), warnings: &warnings)) { error in
            XCTAssertEqual("\(error)", "\(empty.relativePath): holds no PNG or JPEG files (searched recursively), expected at least one")
        }
        XCTAssertThrowsError(try load(scratch.url.appendingPathComponent("missing"), cache: scratch.url, warnings: &warnings)) { error in
            XCTAssertTrue("\(error)".contains("no such directory (expected a folder of PNG and JPEG images)"), "\(error)")
        }
    }

    func testShardsDecodedSeparatelyAssembleToTheSameImagesAsOneDecoder() throws {
        let scratch = try TemporaryDirectory()
        let folder = try mixedFolder(scratch.url)
        try ImageFixtures.write(Array("x".utf8), "bad.png", in: folder)
        let source = FolderSource(directory: folder, entries: try FolderEntry.scan(folder), resolution: 32, requestedChannels: nil)
        let whole = try source.assemble([source.decode(shard: 0, of: 1)])
        for count in [2, 3, 4] {
            let parts = (0..<count).map { source.decode(shard: $0, of: count) }
            XCTAssertEqual(parts.map(\.files.count).reduce(0, +), 6)
            let travelled = parts.map { FolderPart(encoded: $0.encoded(), side: 32) }
            XCTAssertEqual(travelled, parts)
            XCTAssertEqual(try source.assemble(travelled.reversed()), whole, "\(count) shards")
        }
        // Decoding in rounds of a few files at a time gives the same parts.
        let rounds = stride(from: 0, to: 6, by: 4).map { start in source.decode(shard: 0, of: 1, files: start..<min(start + 4, 6)) }
        XCTAssertEqual(try source.assemble(rounds), whole)
    }
}
