import TestSupport
import Autograd
import Data
import Foundation
import XCTest

/// A .npy file with a hand-written header dictionary (version 1.0 unless told).
func npyFile(header: String, data: [UInt8], major: UInt8 = 1) -> [UInt8] {
    var text = Array(header.utf8)
    let prefix = major == 1 ? 10 : 12
    while (prefix + text.count + 1) % 64 != 0 { text.append(0x20) }
    text.append(0x0A)
    let length = text.count
    let lengthBytes: [UInt8] =
        major == 1
        ? [UInt8(length & 0xFF), UInt8(length >> 8)]
        : [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
    return [0x93] + Array("NUMPY".utf8) + [major, 0] + lengthBytes + text + data
}

/// Little-endian float32 bytes.
func float32Bytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { v in (0..<4).map { UInt8(v.bitPattern >> (8 * $0) & 0xFF) } }
}

final class NpyFileTests: XCTestCase {
    func testWrittenFloatArrayReadsBackWithItsShape() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("z.npy")
        let values: [Float] = [0, -1.5, 3.25, .pi, 1e-30, -7, 8, 9, 10, 11, 12, 13]
        try NpyFile.write(Tensor(shape: [2, 3, 2], scalars: values), to: url)
        let read = try NpyFile.read(url)
        XCTAssertEqual(read.shape, [2, 3, 2])
        XCTAssertEqual(read.values, values)
    }

    func testWrittenHeaderIsNumPyStyleAndDataStartsAtMultipleOf64() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("v.npy")
        try NpyFile.write(Tensor([1, 2, 3]), to: url)
        let bytes = [UInt8](try Foundation.Data(contentsOf: url))
        XCTAssertEqual(Array(bytes[0..<8]), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0)
        XCTAssertEqual(bytes.count, 10 + headerLength + 12)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), header)
        XCTAssertTrue(header.hasSuffix(" \n"))
        XCTAssertEqual(Array(bytes[(10 + headerLength)...]), float32Bytes([1, 2, 3]))
    }

    func testScalarTensorIsWrittenWithEmptyShape() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("s.npy")
        try NpyFile.write(Tensor(Float(2.5)), to: url)
        let read = try NpyFile.read(url)
        XCTAssertEqual(read.shape, [])
        XCTAssertEqual(read.values, [2.5])
    }

    func testVersionTwoAndThreeHeadersAndDoubleQuotesAreRead() throws {
        let directory = try TemporaryDirectory()
        for major: UInt8 in [2, 3] {
            let url = try directory.write(
                npyFile(header: "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 1)}", data: float32Bytes([4, 5]), major: major),
                to: "v\(major).npy")
            let read = try NpyFile.read(url)
            XCTAssertEqual(read.shape, [2, 1])
            XCTAssertEqual(read.values, [4, 5])
        }
    }

    func testUnsupportedDTypeNamesTheTypeFound() throws {
        let directory = try TemporaryDirectory()
        let url = try directory.write(
            npyFile(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", data: [UInt8](repeating: 0, count: 8)), to: "d.npy")
        XCTAssertThrowsError(try NpyFile.read(url)) { error in
            guard case .unsupportedDType(url.relativePath, "'<f8'", _) = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("astype(numpy.float32)"))
        }
    }

    func testFortranOrderIsRejected() throws {
        let directory = try TemporaryDirectory()
        let url = try directory.write(
            npyFile(header: "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", data: float32Bytes([1, 2, 3, 4])), to: "f.npy")
        XCTAssertThrowsError(try NpyFile.read(url)) { error in
            guard case .unsupportedLayout(url.relativePath, "fortran_order True", _) = error as? DataError else { return XCTFail("\(error)") }
        }
    }

    func testMalformedHeadersAreRejectedWithTheirOffset() throws {
        let directory = try TemporaryDirectory()
        let broken = [
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }",
            "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }",
            "{'descr': '<f4', 'shape': (2,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2,) ",
            "['descr', '<f4']",
        ]
        for (k, header) in broken.enumerated() {
            let url = try directory.write(npyFile(header: header, data: float32Bytes([1, 2])), to: "m\(k).npy")
            XCTAssertThrowsError(try NpyFile.read(url), header) { error in
                guard case let .malformedHeader(path, offset, _) = error as? DataError else { return XCTFail("\(header): \(error)") }
                XCTAssertEqual(path, url.relativePath)
                XCTAssertGreaterThanOrEqual(offset, 10)
            }
        }
    }

    func testBadMagicVersionAndSizesAreRejected() throws {
        let directory = try TemporaryDirectory()
        let good = npyFile(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data: float32Bytes([1, 2]))
        let notNpy = try directory.write(Array("PK\u{3}\u{4} a zip file".utf8), to: "a.npy")
        XCTAssertThrowsError(try NpyFile.read(notNpy)) { guard case .wrongMagic = $0 as? DataError else { return XCTFail("\($0)") } }
        var version = good
        version[6] = 4
        let badVersion = try directory.write(version, to: "b.npy")
        XCTAssertThrowsError(try NpyFile.read(badVersion)) { guard case .malformedHeader(_, 6, _) = $0 as? DataError else { return XCTFail("\($0)") } }
        let short = try directory.write(Array(good.dropLast(3)), to: "c.npy")
        XCTAssertThrowsError(try NpyFile.read(short)) { guard case .truncated(_, "data", 128, 8, 5) = $0 as? DataError else { return XCTFail("\($0)") } }
        let long = try directory.write(good + [0], to: "d.npy")
        XCTAssertThrowsError(try NpyFile.read(long)) { guard case .trailingBytes(_, 128, 8, 9) = $0 as? DataError else { return XCTFail("\($0)") } }
        let cutHeader = try directory.write(Array(good.prefix(30)), to: "e.npy")
        XCTAssertThrowsError(try NpyFile.read(cutHeader)) { guard case .truncated(_, "header", 10, 118, 20) = $0 as? DataError else { return XCTFail("\($0)") } }
        let missing = directory.url.appendingPathComponent("missing.npy")
        XCTAssertThrowsError(try NpyFile.read(missing)) { guard case .missingFile(missing.relativePath, _) = $0 as? DataError else { return XCTFail("\($0)") } }
    }
}
