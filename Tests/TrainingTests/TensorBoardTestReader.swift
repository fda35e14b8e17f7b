import Foundation
import XCTest

/// CRC-32C computed bit by bit, independently of the writer's table-driven one.
enum TensorBoardTestCRC {
    static func crc32c(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = (crc >> 1) ^ (crc & 1 == 0 ? 0 : 0x82F6_3B78)
            }
        }
        return crc ^ 0xFFFF_FFFF
    }

    static func masked(_ bytes: [UInt8]) -> UInt32 {
        let crc = crc32c(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}

/// One protobuf field as read off the wire.
enum TensorBoardTestField {
    case varint(UInt64)
    case fixed64(UInt64)
    case fixed32(UInt32)
    case bytes([UInt8])
}

/// A decoded protobuf message: its fields by number, in order of appearance.
struct TensorBoardTestMessage {
    var fields: [(number: Int, value: TensorBoardTestField)] = []

    init(_ bytes: [UInt8]) throws {
        var position = 0
        func varint() throws -> UInt64 {
            var (value, shift) = (UInt64(0), UInt64(0))
            while true {
                guard position < bytes.count, shift < 64 else { throw TensorBoardTestError("truncated varint") }
                let byte = bytes[position]
                position += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }
        func take(_ count: Int) throws -> [UInt8] {
            guard count >= 0, position + count <= bytes.count else { throw TensorBoardTestError("field runs past the message") }
            defer { position += count }
            return Array(bytes[position..<(position + count)])
        }
        func littleEndian(_ raw: [UInt8]) -> UInt64 {
            raw.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        }
        while position < bytes.count {
            let key = try varint()
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: fields.append((number, .varint(try varint())))
            case 1: fields.append((number, .fixed64(littleEndian(try take(8)))))
            case 2: fields.append((number, .bytes(try take(Int(try varint())))))
            case 5: fields.append((number, .fixed32(UInt32(littleEndian(try take(4))))))
            default: throw TensorBoardTestError("wire type \(key & 7)")
            }
        }
    }

    func all(_ number: Int) -> [TensorBoardTestField] { fields.filter { $0.number == number }.map(\.value) }

    func double(_ number: Int) -> Double? {
        if case let .fixed64(raw)? = all(number).last { return Double(bitPattern: raw) }
        return nil
    }

    func float(_ number: Int) -> Float? {
        if case let .fixed32(raw)? = all(number).last { return Float(bitPattern: raw) }
        return nil
    }

    func integer(_ number: Int) -> Int64? {
        if case let .varint(raw)? = all(number).last { return Int64(bitPattern: raw) }
        return nil
    }

    func bytes(_ number: Int) -> [UInt8]? {
        if case let .bytes(raw)? = all(number).last { return raw }
        return nil
    }

    func string(_ number: Int) -> String? { bytes(number).map { String(decoding: $0, as: UTF8.self) } }

    func message(_ number: Int) throws -> TensorBoardTestMessage? { try bytes(number).map(TensorBoardTestMessage.init) }
}

struct TensorBoardTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The events in a TensorBoard event file, read with the test's own framing,
/// CRC and protobuf code (tensorflow/core/util/event.proto, summary.proto).
struct TensorBoardTestEvent {
    /// The record's data: the encoded Event message.
    var raw: [UInt8]
    var wallTime: Double
    var step: Int64
    var fileVersion: String?
    /// Summary values: tag, simple_value or image.
    var values: [(tag: String, scalar: Float?, image: (height: Int64, width: Int64, colorspace: Int64, png: [UInt8])?)] = []

    /// Parses every record, checking both masked CRCs of each.
    static func readAll(_ url: URL) throws -> [TensorBoardTestEvent] {
        let bytes = [UInt8](try Data(contentsOf: url))
        var position = 0
        var events: [TensorBoardTestEvent] = []
        func uint(_ at: Int, _ size: Int) -> UInt64 {
            (0..<size).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) }
        }
        while position < bytes.count {
            guard position + 12 <= bytes.count else { throw TensorBoardTestError("truncated header at \(position)") }
            let length = Int(uint(position, 8))
            guard UInt32(uint(position + 8, 4)) == TensorBoardTestCRC.masked(Array(bytes[position..<(position + 8)])) else {
                throw TensorBoardTestError("length CRC mismatch at \(position)")
            }
            let start = position + 12
            guard start + length + 4 <= bytes.count else { throw TensorBoardTestError("truncated record at \(position)") }
            let data = Array(bytes[start..<(start + length)])
            guard UInt32(uint(start + length, 4)) == TensorBoardTestCRC.masked(data) else {
                throw TensorBoardTestError("data CRC mismatch at \(position)")
            }
            events.append(try TensorBoardTestEvent(data))
            position = start + length + 4
        }
        return events
    }

    init(_ data: [UInt8]) throws {
        raw = data
        let event = try TensorBoardTestMessage(data)
        wallTime = event.double(1) ?? 0
        step = event.integer(2) ?? 0
        fileVersion = event.string(3)
        if let summary = try event.message(5) {
            for case let .bytes(raw) in summary.all(1) {
                let value = try TensorBoardTestMessage(raw)
                var image: (Int64, Int64, Int64, [UInt8])?
                if let message = try value.message(4) {
                    image = (message.integer(1) ?? 0, message.integer(2) ?? 0, message.integer(3) ?? 0, message.bytes(4) ?? [])
                }
                values.append((value.string(1) ?? "", value.float(2), image))
            }
        }
    }
}
