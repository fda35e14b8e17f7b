import TestSupport
import Autograd
import Data
import Foundation
import XCTest

final class NpyDatasetTests: XCTestCase {
    func testUInt8ImagesInNHWCAndNCHWGiveTheSameSamples() throws {
        let directory = try TemporaryDirectory()
        // 2 images, 3 channels, 2x4 pixels: value = 100 * n + 10 * c + (y * 4 + x).
        let (n, c, h, w) = (2, 3, 2, 4)
        func value(_ i: Int, _ ch: Int, _ y: Int, _ x: Int) -> UInt8 { UInt8(100 * i + 10 * ch + y * w + x) }
        var nchw: [UInt8] = []
        for i in 0..<n { for ch in 0..<c { for y in 0..<h { for x in 0..<w { nchw.append(value(i, ch, y, x)) } } } }
        var nhwc: [UInt8] = []
        for i in 0..<n { for y in 0..<h { for x in 0..<w { for ch in 0..<c { nhwc.append(value(i, ch, y, x)) } } } }
        let first = try directory.write(npyFile(header: "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 2, 4), }", data: nchw), to: "nchw.npy")
        let second = try directory.write(npyFile(header: "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2, 4, 3), }", data: nhwc), to: "nhwc.npy")
        let a = try NpyDataset(file: first, layout: .nchw, pixelRange: .unit)
        let b = try NpyDataset(file: second, layout: .nhwc, pixelRange: .unit)
        XCTAssertEqual(a.sampleShape, [3, 2, 4])
        XCTAssertEqual(b.sampleShape, [3, 2, 4])
        XCTAssertEqual(a.count, 2)
        XCTAssertEqual(a.name, "nchw")
        XCTAssertEqual(a.batch(at: [1, 0]).scalars, b.batch(at: [1, 0]).scalars)
        XCTAssertEqual(a.batch(at: [1]).scalars, nchw[24...].map { Float($0) / 255 })
        XCTAssertTrue(a.holdsImages)
        XCTAssertNil(a.labels)
    }

    func testFloatPointsAreTakenAsTheyAre() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("points.npy")
        try NpyFile.write(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, -5, 6.5]), to: url)
        let points = try NpyDataset(file: url, pixelRange: .symmetric)
        XCTAssertEqual(points.sampleShape, [2])
        XCTAssertFalse(points.holdsImages)
        XCTAssertEqual(points.batch(at: [2, 0]).scalars, [-5, 6.5, 1, 2])
    }

    func testThreeDimensionalArrayIsSingleChannelImagesScaledByPixelRange() throws {
        let directory = try TemporaryDirectory()
        let url = try directory.write(
            ZlibForTests.gzip(npyFile(header: "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 1, 2), }", data: [0, 255, 51, 102])),
            to: "gray.npy.gz")
        let images = try NpyDataset(file: url, pixelRange: .symmetric)
        XCTAssertEqual(images.sampleShape, [1, 1, 2])
        XCTAssertEqual(images.name, "gray")
        XCTAssertEqual(images.batch(at: [0, 1]).scalars, [-1, 1, 51 / 127.5 - 1, 102 / 127.5 - 1])
    }

    func testFloatNHWCImagesAreTransposedToChannelsFirst() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("hwc.npy")
        // One 1x2 image with 3 channels: pixel 0 = (1, 2, 3), pixel 1 = (4, 5, 6).
        try NpyFile.write(Tensor(shape: [1, 1, 2, 3], scalars: [1, 2, 3, 4, 5, 6]), to: url)
        let images = try NpyDataset(file: url, layout: .nhwc, pixelRange: .unit)
        XCTAssertEqual(images.sampleShape, [3, 1, 2])
        XCTAssertEqual(images.batch(at: [0]).scalars, [1, 4, 2, 5, 3, 6])
    }

    func testOneDimensionalAndEmptyArraysAreRejected() throws {
        let directory = try TemporaryDirectory()
        let vector = directory.url.appendingPathComponent("vector.npy")
        try NpyFile.write(Tensor([1, 2, 3]), to: vector)
        XCTAssertThrowsError(try NpyDataset(file: vector, pixelRange: .unit)) { error in
            guard case .wrongDimensions(vector.relativePath, [3], _) = error as? DataError else { return XCTFail("\(error)") }
        }
        let empty = directory.url.appendingPathComponent("empty.npy")
        try NpyFile.write(Tensor.zeros([0, 2]), to: empty)
        XCTAssertThrowsError(try NpyDataset(file: empty, pixelRange: .unit)) { error in
            guard case .empty(empty.relativePath, _) = error as? DataError else { return XCTFail("\(error)") }
        }
    }

    func testImageArraysWithAChannelCountNoModelTakesAreRejectedAtLoadNamingTheFileAndTheLayout() throws {
        let directory = try TemporaryDirectory()
        // (shape, layout, a phrase the one-line message must hold)
        let cases: [([Int], NpyLayout, String)] = [
            ([2, 28, 28, 3], .nchw, "set data.layout: nhwc"),  // NHWC pixels read as NCHW: 28 channels
            ([2, 3, 32, 32], .nhwc, "set data.layout: nchw"),  // NCHW pixels read as NHWC: 32 channels
            ([2, 5, 8, 8], .nchw, "1 to 4 channels"),
        ]
        for (index, (shape, layout, phrase)) in cases.enumerated() {
            let url = directory.url.appendingPathComponent("images\(index).npy")
            try NpyFile.write(Tensor.zeros(shape), to: url)
            XCTAssertThrowsError(try NpyDataset(file: url, layout: layout, pixelRange: .unit), "\(shape)") { error in
                guard case .wrongDimensions(url.relativePath, shape, _) = error as? DataError else { return XCTFail("\(shape): \(error)") }
                XCTAssertTrue("\(error)".contains(phrase) && "\(error)".hasPrefix(url.relativePath), "\(shape): \(error)")
            }
        }
        // Two and four channels train (the mlp flattens them, dcgan takes any channel count).
        for channels in [2, 4] {
            let url = directory.url.appendingPathComponent("channels\(channels).npy")
            try NpyFile.write(Tensor.zeros([2, channels, 8, 8]), to: url)
            XCTAssertEqual(try NpyDataset(file: url, pixelRange: .unit).sampleShape, [channels, 8, 8])
        }
    }
}
