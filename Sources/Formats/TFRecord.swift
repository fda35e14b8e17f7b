/// TFRecord framing, the container of TensorBoard event files: each record is
/// its length (uint64, little-endian), the masked CRC-32C of those 8 bytes, the
/// data, and the masked CRC-32C of the data (uint32s, little-endian).
public enum TFRecord {
    /// One record holding `data`.
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        let length = littleEndian(UInt64(data.count))
        var record: [UInt8] = []
        record.reserveCapacity(data.count + 16)
        record += length
        record += littleEndian(CRC32C.maskedChecksum(length))
        record += data
        record += littleEndian(CRC32C.maskedChecksum(data))
        return record
    }

    private static func littleEndian<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
        (0..<(Value.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}
