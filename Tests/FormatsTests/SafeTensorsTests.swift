import Autograd
import Foundation
import XCTest

@testable import Formats

final class SafeTensorsTests: XCTestCase {
    /// Values whose bits must survive: signed zeros, a subnormal, infinities, a NaN with a payload.
    private let awkwardValues: [Float] = [
        -0.0, 0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.infinity, .infinity, Float(bitPattern: 0x7fc0_1234), 0.1, -3.25,
    ]

    private func sampleTensors() -> NamedTensors {
        [
            ("0.weight", Tensor(shape: [3, 3], scalars: awkwardValues)),
            ("0.bias", Tensor([1, 2, 3])),
            ("a layer \"quoted\" \\ ü/x", Tensor(shape: [1, 2, 1, 2], scalars: [5, 6, 7, 8])),
            ("scalar", Tensor(42)),
            ("empty", Tensor.zeros([0, 4])),
            ("single", Tensor([0.5])),
        ]
    }

    private func headerObject(_ data: Data) throws -> (length: Int, object: [String: Any]) {
        let length = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian)
        let object = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as? [String: Any]
        return (length, try XCTUnwrap(object))
    }

    func testEncodeThenDecodeGivesBackNamesOrderShapesBitsAndMetadata() throws {
        let tensors = sampleTensors()
        let metadata = ["format": "pt", "step": "12", "note": "quote \" backslash \\ newline \n"]
        let decoded = try SafeTensors.decode(SafeTensors.encode(tensors, metadata: metadata), file: "model.safetensors")
        XCTAssertEqual(decoded.entries.map(\.name), tensors.map(\.name))
        XCTAssertEqual(decoded.entries.map(\.shape), tensors.map(\.tensor.shape))
        for (entry, original) in zip(decoded.entries, tensors) {
            XCTAssertEqual(entry.values.map(\.bitPattern), original.tensor.scalars.map(\.bitPattern), entry.name)
        }
        XCTAssertEqual(decoded.metadata, metadata)
    }

    /// An empty tensor shares its byte offset with the tensor after it; the order must still come back.
    func testEmptyTensorsKeepTheirPlaceInTheOrder() throws {
        let names = ["w", "b", "gamma", "beta", "scale"]
        for emptyPosition in 0...names.count {
            var tensors = names.map { (name: $0, tensor: Tensor([1, 2])) }
            tensors.insert((name: "nothing", tensor: Tensor.zeros([0])), at: emptyPosition)
            let decoded = try SafeTensors.decode(SafeTensors.encode(NamedTensors(tensors)), file: "order.safetensors")
            XCTAssertEqual(decoded.entries.map(\.name), tensors.map { $0.name })
        }
    }

    func testNoTensorsAndNoMetadataIsAnEmptyObject() throws {
        let data = SafeTensors.encode([])
        XCTAssertEqual(data.count, 16)
        XCTAssertEqual(String(decoding: data.suffix(8), as: UTF8.self), "{}      ")
        let decoded = try SafeTensors.decode(data, file: "empty.safetensors")
        XCTAssertTrue(decoded.entries.isEmpty)
        XCTAssertTrue(decoded.metadata.isEmpty)
    }

    func testHeaderIsValidJSONPaddedSoTheDataIs8ByteAligned() throws {
        for count in 0..<6 {
            let tensors = NamedTensors(sampleTensors().prefix(count))
            let data = SafeTensors.encode(tensors, metadata: count % 2 == 0 ? [:] : ["format": "pt"])
            let (length, object) = try headerObject(data)
            XCTAssertEqual(length % 8, 0, "\(count) tensors")
            XCTAssertEqual(data.count, 8 + length + tensors.map { 4 * $0.tensor.count }.reduce(0, +))
            XCTAssertEqual(object.keys.filter { $0 != "__metadata__" }.count, count)
        }
    }

    func testHeaderEntriesFollowTheSafetensorsLayout() throws {
        let data = SafeTensors.encode([("0.weight", Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])), ("0.bias", Tensor([7, 8]))])
        let (length, object) = try headerObject(data)
        let weight = try XCTUnwrap(object["0.weight"] as? [String: Any])
        XCTAssertEqual(weight["dtype"] as? String, "F32")
        XCTAssertEqual((weight["shape"] as? [NSNumber])?.map(\.intValue), [2, 3])
        XCTAssertEqual((weight["data_offsets"] as? [NSNumber])?.map(\.intValue), [0, 24])
        let bias = try XCTUnwrap(object["0.bias"] as? [String: Any])
        XCTAssertEqual((bias["data_offsets"] as? [NSNumber])?.map(\.intValue), [24, 32])
        let bytes = [UInt8](data.suffix(from: 8 + length))
        XCTAssertEqual(Array(bytes[0..<4]), [0x00, 0x00, 0x80, 0x3f], "1.0 as little-endian float32")
        XCTAssertEqual(Array(bytes[28..<32]), [0x00, 0x00, 0x00, 0x41], "8.0 as little-endian float32")
    }
}
