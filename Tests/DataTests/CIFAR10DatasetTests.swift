import TestSupport
import Autograd
import Data
import Foundation
import XCTest

final class CIFAR10DatasetTests: XCTestCase {
    /// `count` records whose label is record % 10 and whose byte k is (record + k) % 256.
    private func records(_ count: Int, firstRecord: Int = 0) -> [UInt8] {
        (0..<count).flatMap { offset -> [UInt8] in
            let record = firstRecord + offset
            return [UInt8(record % 10)] + (0..<3072).map { UInt8((record + $0) % 256) }
        }
    }

    func testBatchFilesReadBackInNumberOrderAsPlanarRGB() throws {
        let directory = try TemporaryDirectory()
        try directory.write(records(2, firstRecord: 2), to: "data_batch_3.bin")
        try directory.write(records(2), to: "data_batch_1.bin")
        try directory.write([1, 2, 3], to: "readme.html")
        let cifar = try CIFAR10Dataset(directory: directory.url, pixelRange: .unit)
        XCTAssertEqual(cifar.count, 4)
        XCTAssertEqual(cifar.sampleShape, [3, 32, 32])
        XCTAssertEqual(cifar.labels, [0, 1, 2, 3])
        XCTAssertEqual(cifar.files.map(\.lastPathComponent), ["data_batch_1.bin", "data_batch_3.bin"])
        let batch = cifar.batch(at: [3])
        XCTAssertEqual(batch.shape, [1, 3, 32, 32])
        XCTAssertEqual(batch.scalars, (0..<3072).map { Float((3 + $0) % 256) / 255 })
        // Channel 1 (green) starts 1024 values in: record 3's byte 1024.
        XCTAssertEqual(batch.scalars[1024], Float((3 + 1024) % 256) / 255)
    }

    func testUnpackedArchiveSubdirectoryIsFound() throws {
        let directory = try TemporaryDirectory()
        let inner = directory.url.appendingPathComponent("cifar-10-batches-bin")
        try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: true)
        try Foundation.Data(records(1)).write(to: inner.appendingPathComponent("data_batch_2.bin"))
        XCTAssertEqual(try CIFAR10Dataset(directory: directory.url, pixelRange: .symmetric).count, 1)
    }

    func testTruncatedRecordNamesFileRecordAndSizes() throws {
        let directory = try TemporaryDirectory()
        let url = try directory.write(Array(records(2).dropLast(100)), to: "data_batch_1.bin")
        XCTAssertThrowsError(try CIFAR10Dataset(directory: directory.url, pixelRange: .unit)) { error in
            XCTAssertEqual(
                error as? DataError,
                .truncated(path: url.relativePath, part: "record 1", offset: 3073, expectedBytes: 3073, foundBytes: 2973))
            XCTAssertEqual("\(error)", "\(url.relativePath): truncated record 1 at offset 3073: expected 3073 bytes, found 2973")
        }
    }

    func testDirectoryWithoutBatchesIsAnError() throws {
        let directory = try TemporaryDirectory()
        try directory.write([0], to: "test_batch.bin")
        XCTAssertThrowsError(try CIFAR10Dataset(directory: directory.url, pixelRange: .unit)) { error in
            guard case .missingFile = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("data_batch_1.bin"))
        }
    }

    func testLabelAboveNineIsRejected() throws {
        let directory = try TemporaryDirectory()
        var bytes = records(2)
        bytes[3073] = 10
        try directory.write(bytes, to: "data_batch_1.bin")
        XCTAssertThrowsError(try CIFAR10Dataset(directory: directory.url, pixelRange: .unit)) { error in
            guard case .invalidLabel(_, 3073, 10, 0...9) = error as? DataError else { return XCTFail("\(error)") }
        }
    }
}
