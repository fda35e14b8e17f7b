/// Writes protocol-buffer messages field by field (proto3 wire format), enough
/// for the TensorBoard event messages: varints, 64- and 32-bit floats, and
/// length-delimited strings, bytes and nested messages.
public struct ProtobufEncoder {
    public init() {}

    /// The encoded message so far.
    public private(set) var bytes: [UInt8] = []

    private enum WireType: UInt64 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    /// An int32 or int64 field; negative values take ten bytes, as protobuf specifies.
    public mutating func integer(_ field: Int, _ value: Int) {
        key(field, .varint)
        varint(UInt64(bitPattern: Int64(value)))
    }

    /// A double field.
    public mutating func double(_ field: Int, _ value: Double) {
        key(field, .fixed64)
        littleEndian(value.bitPattern)
    }

    /// A float field.
    public mutating func float(_ field: Int, _ value: Float) {
        key(field, .fixed32)
        littleEndian(value.bitPattern)
    }

    /// A string field, UTF-8.
    public mutating func string(_ field: Int, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    /// A bytes field.
    public mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes += value
    }

    /// A nested message field.
    public mutating func message(_ field: Int, _ value: ProtobufEncoder) {
        bytes(field, value.bytes)
    }

    private mutating func key(_ field: Int, _ type: WireType) {
        varint(UInt64(field) << 3 | type.rawValue)
    }

    private mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    private mutating func littleEndian<Value: FixedWidthInteger>(_ value: Value) {
        for k in 0..<(Value.bitWidth / 8) { bytes.append(UInt8(truncatingIfNeeded: value >> (k * 8))) }
    }
}
