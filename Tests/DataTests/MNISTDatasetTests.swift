import TestSupport
import Formats
import Autograd
import Data
import Foundation
import XCTest

/// The bytes of an IDX file: two zero bytes, the type byte, the dimension count, big-endian dims, data.
func idxFile(dims: [Int], data: [UInt8], typeByte: UInt8 = 0x08) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, typeByte, UInt8(dims.count)]
    for d in dims { bytes += [UInt8(d >> 24 & 0xFF), UInt8(d >> 16 & 0xFF), UInt8(d >> 8 & 0xFF), UInt8(d & 0xFF)] }
    return bytes + data
}

final class MNISTDatasetTests: XCTestCase {
    private let imagesName = "train-images-idx3-ubyte"
    private let labelsName = "train-labels-idx1-ubyte"

    /// Three 28x28 images whose pixel at k is (image * 7 + k) % 256.
    private func threeImages() -> [UInt8] {
        (0..<3).flatMap { image in (0..<784).map { UInt8((image * 7 + $0) % 256) } }
    }

    /// Loads, expecting a DataError, and returns it.
    private func loadError(_ directory: URL, file: StaticString = #filePath, line: UInt = #line) -> DataError? {
        do {
            _ = try MNISTDataset(directory: directory, pixelRange: .unit)
            XCTFail("expected an error", file: file, line: line)
        } catch let error as DataError {
            return error
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
        return nil
    }

    func testPlainIDXFilesReadBackExactly() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxFile(dims: [3, 28, 28], data: threeImages()), to: imagesName)
        try directory.write(idxFile(dims: [3], data: [4, 0, 9]), to: labelsName)
        let mnist = try MNISTDataset(directory: directory.url, pixelRange: .unit)
        XCTAssertEqual(mnist.count, 3)
        XCTAssertEqual(mnist.sampleShape, [1, 28, 28])
        XCTAssertEqual(mnist.labels, [4, 0, 9])
        let batch = mnist.batch(at: [2, 0])
        XCTAssertEqual(batch.shape, [2, 1, 28, 28])
        let expected = (threeImages()[(2 * 784)..<(3 * 784)] + threeImages()[0..<784]).map { Float($0) / 255 }
        XCTAssertEqual(batch.scalars, expected)
    }

    func testGzipFilesReadBackExactlyWithSymmetricRange() throws {
        let directory = try TemporaryDirectory()
        try directory.write(ZlibForTests.gzip(idxFile(dims: [3, 28, 28], data: threeImages())), to: imagesName + ".gz")
        try directory.write(ZlibForTests.gzip(idxFile(dims: [3], data: [1, 2, 3])), to: labelsName + ".gz")
        let mnist = try MNISTDataset(directory: directory.url, pixelRange: .symmetric)
        XCTAssertEqual(mnist.labels, [1, 2, 3])
        let values = mnist.batch(at: [1]).scalars
        XCTAssertEqual(values, threeImages()[784..<1568].map { Float($0) / 127.5 - 1 })
        XCTAssertEqual(PixelRange.symmetric.value(0), -1)
        XCTAssertEqual(PixelRange.symmetric.value(255), 1)
        XCTAssertEqual(PixelRange.unit.value(255), 1)
    }

    func testConcatenatedGzipMembersAreReadInOrder() throws {
        let directory = try TemporaryDirectory()
        let file = idxFile(dims: [3, 28, 28], data: threeImages())
        try directory.write(ZlibForTests.gzip(Array(file[0..<1000])) + ZlibForTests.gzip(Array(file[1000...])), to: imagesName + ".gz")
        let mnist = try MNISTDataset(directory: directory.url, pixelRange: .unit)
        XCTAssertEqual(mnist.batch(at: [2]).scalars, threeImages()[1568...].map { Float($0) / 255 })
    }

    func testLabelsAreOptional() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxFile(dims: [3, 28, 28], data: threeImages()), to: imagesName)
        XCTAssertNil(try MNISTDataset(directory: directory.url, pixelRange: .unit).labels)
    }

    func testWrongMagicNamesTheFileTheOffsetAndTheExpectedMagic() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxFile(dims: [3, 784], data: threeImages()), to: imagesName)
        let error = loadError(directory.url)
        XCTAssertEqual(error, .wrongMagic(path: directory.url.appendingPathComponent(imagesName).relativePath, offset: 0, found: "0x00000802", expected: "0x00000803 (IDX images)"))
        XCTAssertEqual(
            error?.description,
            "\(directory.url.appendingPathComponent(imagesName).relativePath): magic number 0x00000802 at offset 0, expected 0x00000803 (IDX images)")
    }

    func testNonIDXBytesAreReportedAsWrongMagic() throws {
        let directory = try TemporaryDirectory()
        try directory.write(Array("GIF89a and more".utf8), to: imagesName)
        guard case .wrongMagic(_, 0, "0x47494638", _) = loadError(directory.url) else { return XCTFail("expected wrong magic") }
    }

    func testThreeDimensionalLabelFileIsRejectedByItsMagic() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxFile(dims: [3, 28, 28], data: threeImages()), to: imagesName)
        try directory.write(idxFile(dims: [3, 1, 1], data: [1, 2, 3]), to: labelsName)
        let error = loadError(directory.url)
        XCTAssertEqual(
            error, .wrongMagic(path: directory.url.appendingPathComponent(labelsName).relativePath, offset: 0, found: "0x00000803", expected: "0x00000801 (IDX labels)"))
    }

    func testNonByteElementTypeIsUnsupported() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxFile(dims: [1, 28, 28], data: [UInt8](repeating: 0, count: 784 * 4), typeByte: 0x0D), to: imagesName)
        guard case let .unsupportedDType(path, found, _) = loadError(directory.url) else { return XCTFail("expected unsupported dtype") }
        XCTAssertTrue(path.hasSuffix(imagesName))
        XCTAssertTrue(found.hasPrefix("float32"), found)
    }

    func testTruncatedHeaderReportsExpectedAndFoundBytes() throws {
        let directory = try TemporaryDirectory()
        try directory.write(Array(idxFile(dims: [3, 28, 28], data: []).prefix(10)), to: imagesName)
        let path = directory.url.appendingPathComponent(imagesName).relativePath
        XCTAssertEqual(loadError(directory.url), .truncated(path: path, part: "header", offset: 4, expectedBytes: 12, foundBytes: 6))
        XCTAssertEqual(loadError(directory.url)?.description, "\(path): truncated header at offset 4: expected 12 bytes, found 6")
    }

    func testTruncatedPixelsReportExpectedAndFoundBytes() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxFile(dims: [3, 28, 28], data: Array(threeImages().prefix(2000))), to: imagesName)
        let path = directory.url.appendingPathComponent(imagesName).relativePath
        XCTAssertEqual(loadError(directory.url), .truncated(path: path, part: "data", offset: 16, expectedBytes: 2352, foundBytes: 2000))
    }

    func testBytesBeyondTheDeclaredImagesAreRejected() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxFile(dims: [2, 28, 28], data: threeImages()), to: imagesName)
        let path = directory.url.appendingPathComponent(imagesName).relativePath
        let error = loadError(directory.url)
        XCTAssertEqual(error, .trailingBytes(path: path, offset: 16, expectedBytes: 1568, foundBytes: 2352))
        XCTAssertEqual(error?.description, "\(path): 2352 bytes of data from offset 16, expected 1568 as the header declares")
    }

    func testTruncatedGzipStreamIsABadGzipError() throws {
        let directory = try TemporaryDirectory()
        let gz = ZlibForTests.gzip(idxFile(dims: [3, 28, 28], data: threeImages()))
        try directory.write(Array(gz.prefix(gz.count / 2)), to: imagesName + ".gz")
        guard case let .badGzip(path, reason) = loadError(directory.url) else { return XCTFail("expected bad gzip") }
        XCTAssertTrue(path.hasSuffix(imagesName + ".gz"))
        XCTAssertTrue(reason.contains("truncated"), reason)
    }

    func testCorruptGzipStreamIsABadGzipError() throws {
        let directory = try TemporaryDirectory()
        var gz = ZlibForTests.gzip(idxFile(dims: [3, 28, 28], data: threeImages()))
        for k in 12..<40 { gz[k] ^= 0xFF }
        try directory.write(gz, to: imagesName + ".gz")
        guard case .badGzip = loadError(directory.url) else { return XCTFail("expected bad gzip") }
    }

    func testImagesOfWrongSizeAreRejected() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxFile(dims: [2, 27, 28], data: [UInt8](repeating: 1, count: 2 * 27 * 28)), to: imagesName)
        let path = directory.url.appendingPathComponent(imagesName).relativePath
        XCTAssertEqual(loadError(directory.url), .wrongDimensions(path: path, found: [2, 27, 28], expected: "[n, 28, 28] (MNIST images)"))
    }

    func testEmptyFileIsRejected() throws {
        let directory = try TemporaryDirectory()
        try directory.write([], to: imagesName)
        guard case let .empty(path, _) = loadError(directory.url) else { return XCTFail("expected empty") }
        XCTAssertTrue(path.hasSuffix(imagesName))
    }

    func testZeroImagesAreRejected() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxFile(dims: [0, 28, 28], data: []), to: imagesName)
        guard case .empty(_, "images") = loadError(directory.url) else { return XCTFail("expected empty") }
    }

    func testMissingImagesFileAndMissingDirectoryAreNamed() throws {
        let directory = try TemporaryDirectory()
        guard case let .missingFile(path, expected) = loadError(directory.url) else { return XCTFail("expected missing file") }
        XCTAssertTrue(path.hasSuffix(imagesName))
        XCTAssertTrue(expected.contains(".gz"))
        let nowhere = directory.url.appendingPathComponent("nowhere")
        guard case .missingDirectory(nowhere.relativePath, _) = loadError(nowhere) else { return XCTFail("expected missing directory") }
    }

    func testImageAndLabelCountsMustMatch() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxFile(dims: [3, 28, 28], data: threeImages()), to: imagesName)
        try directory.write(idxFile(dims: [2], data: [1, 2]), to: labelsName)
        let imagesPath = directory.url.appendingPathComponent(imagesName).relativePath
        let labelsPath = directory.url.appendingPathComponent(labelsName).relativePath
        let error = loadError(directory.url)
        XCTAssertEqual(error, .countMismatch(imagesPath: imagesPath, images: 3, labelsPath: labelsPath, labels: 2))
        XCTAssertEqual(error?.description, "\(labelsPath): 2 labels, expected 3 to match the images in \(imagesPath)")
    }

    func testLabelsAboveNineAreRejected() throws {
        let directory = try TemporaryDirectory()
        try directory.write(idxFile(dims: [3, 28, 28], data: threeImages()), to: imagesName)
        try directory.write(idxFile(dims: [3], data: [1, 12, 2]), to: labelsName)
        guard case .invalidLabel(_, 9, 12, 0...9) = loadError(directory.url) else { return XCTFail("expected invalid label") }
    }

    func testSharedFiveThousandSampleSubsetHasFiveHundredOfEachDigit() throws {
        let directory = URL(fileURLWithPath: "/work/shared/data/mnist-5k")
        guard FileManager.default.fileExists(atPath: directory.path) else { throw XCTSkip("no MNIST subset at \(directory.path)") }
        let mnist = try MNISTDataset(directory: directory, pixelRange: .symmetric)
        XCTAssertEqual(mnist.count, 5000)
        let labels = try XCTUnwrap(mnist.labels)
        for digit in 0...9 { XCTAssertEqual(labels.filter { $0 == digit }.count, 500, "digit \(digit)") }
        let values = mnist.batch(at: Array(0..<5000)).scalars
        XCTAssertEqual(values.min(), -1)
        XCTAssertEqual(values.max(), 1)
        // MNIST is mostly background: the mean pixel is dark.
        XCTAssertLessThan(values.reduce(0, +) / Float(values.count), -0.5)
    }
}
