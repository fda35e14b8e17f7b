/// CRC-32C (Castagnoli; reflected polynomial 0x82F63B78), the checksum TFRecord
/// files use, and TFRecord's masked form of it.
public enum CRC32C {
    /// The checksum of `bytes`; pass an earlier result as `continuing` to checksum data in pieces.
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes, continuing crc: UInt32 = 0) -> UInt32 where Bytes.Element == UInt8 {
        var value = ~crc
        for byte in bytes {
            value = table[Int((value ^ UInt32(byte)) & 0xFF)] ^ (value >> 8)
        }
        return ~value
    }

    /// TFRecord stores checksums rotated right by 15 bits plus a constant, so a
    /// checksum of data that itself holds checksums stays well distributed.
    public static func masked(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    /// The masked checksum of `bytes`.
    public static func maskedChecksum(_ bytes: [UInt8]) -> UInt32 {
        masked(checksum(bytes))
    }

    /// The checksum of each single byte value, for the byte-at-a-time loop.
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? (value >> 1) ^ 0x82F6_3B78 : value >> 1
        }
        return value
    }
}
