import Foundation
import XCTest

@testable import Formats

final class SafeTensorsCorruptionTests: XCTestCase {
    /// A file of an 8-byte length, `header` (unpadded) and `payload`.
    private func file(header: String, payload: [UInt8] = [], claimedLength: UInt64? = nil) -> Data {
        let json = Array(header.utf8)
        var data = Data()
        withUnsafeBytes(of: (claimedLength ?? UInt64(json.count)).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: json)
        data.append(contentsOf: payload)
        return data
    }

    private func assertCorrupt(_ data: Data, reason expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensors.decode(data, file: "/run/critic.safetensors"), file: file, line: line) {
            guard let corrupt = $0 as? CorruptFile else {
                return XCTFail("expected CorruptFile, got \($0)", file: file, line: line)
            }
            XCTAssertEqual(corrupt.path, "/run/critic.safetensors", file: file, line: line)
            XCTAssertEqual(corrupt.reason, expected, file: file, line: line)
            XCTAssertEqual("\($0)", "/run/critic.safetensors: corrupt: \(expected)", file: file, line: line)
        }
    }

    private let eightBytes = [UInt8](repeating: 0, count: 8)

    func testAFileShorterThanTheLengthFieldIsCorrupt() {
        assertCorrupt(Data([1, 2, 3]), reason: "3 bytes, too short for the 8-byte header length")
        assertCorrupt(Data(), reason: "0 bytes, too short for the 8-byte header length")
    }

    func testAHeaderLengthBeyondTheFileIsCorrupt() {
        assertCorrupt(file(header: "{}", claimedLength: 1000), reason: "header length 1000 exceeds the file's 2 remaining bytes")
        assertCorrupt(file(header: "{}", claimedLength: .max), reason: "header length \(UInt64.max) exceeds the file's 2 remaining bytes")
    }

    func testAHeaderThatIsNotAJSONObjectIsCorrupt() {
        assertCorrupt(file(header: "not json at all"), reason: "the header is not a JSON object")
        assertCorrupt(file(header: "[1, 2, 3]"), reason: "the header is not a JSON object")
        assertCorrupt(file(header: "{\"w\": {\"dtype\": \"F32\""), reason: "the header is not a JSON object")
    }

    func testAnEntryWithoutItsFieldsIsCorrupt() {
        assertCorrupt(
            file(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", payload: eightBytes),
            reason: "tensor 'w' lacks dtype, shape or data_offsets")
        assertCorrupt(
            file(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[\"two\"],\"data_offsets\":[0,8]}}", payload: eightBytes),
            reason: "tensor 'w' lacks dtype, shape or data_offsets")
        assertCorrupt(file(header: "{\"w\":5}"), reason: "tensor 'w' lacks dtype, shape or data_offsets")
    }

    func testAnotherDtypeIsCorrupt() {
        assertCorrupt(
            file(header: "{\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", payload: [0, 0, 0, 0]),
            reason: "tensor 'w' has dtype F16, expected F32")
    }

    func testOffsetsThatDoNotMatchTheShapeAreCorrupt() {
        assertCorrupt(
            file(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", payload: Array(repeating: 0, count: 16)),
            reason: "tensor 'w' [2, 2] claims bytes 0..<12 of 16")
        assertCorrupt(
            file(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", payload: eightBytes),
            reason: "tensor 'w' [1] claims bytes -4..<0 of 8")
    }

    func testOffsetsPastTheEndAreCorrupt() {
        assertCorrupt(
            file(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", payload: [0, 0, 0, 0]),
            reason: "tensor 'w' [2] claims bytes 0..<8 of 4")
        assertCorrupt(
            file(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", payload: eightBytes),
            reason: "tensor 'w' [1] claims bytes 8..<12 of 8")
    }

    /// Shapes that would trap in a naive size computation must be errors too.
    func testNegativeOrOverflowingShapesAreCorruptNotACrash() {
        assertCorrupt(
            file(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2,2],\"data_offsets\":[16,0]}}", payload: Array(repeating: 0, count: 16)),
            reason: "tensor 'w' [-2, 2] claims bytes 16..<0 of 16")
        assertCorrupt(
            file(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1,-2],\"data_offsets\":[0,8]}}", payload: eightBytes),
            reason: "tensor 'w' [-1, -2] claims bytes 0..<8 of 8")
        let huge = 1 << 40
        assertCorrupt(
            file(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[\(huge),\(huge)],\"data_offsets\":[0,8]}}", payload: eightBytes),
            reason: "tensor 'w' [\(huge), \(huge)] claims bytes 0..<8 of 8")
        assertCorrupt(
            file(
                header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\(Int.max - 2),\(Int.max)]}}", payload: eightBytes),
            reason: "tensor 'w' [1] claims bytes \(Int.max - 2)..<\(Int.max) of 8")
    }
}
