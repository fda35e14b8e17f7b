import CZlib

/// zlib-format compression and CRC-32, the two pieces of zlib a PNG file needs.
public enum ZlibCompression {
    /// `bytes` as one zlib stream (RFC 1950), as PNG's IDAT chunks carry.
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &capacity, input.baseAddress, uLong(input.count), level)
            }
        }
        // compressBound guarantees room, so only memory exhaustion can fail here.
        precondition(status == Z_OK, "zlib compress2 failed with status \(status)")
        output.removeSubrange(Int(capacity)...)
        return output
    }

    /// CRC-32 (the polynomial PNG and gzip use) of `bytes`, continuing from `crc`.
    public static func crc32(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        guard !bytes.isEmpty else { return crc }  // zlib treats a null buffer as "give me the initial value"
        return bytes.withUnsafeBufferPointer { buffer in
            UInt32(CZlib.crc32(uLong(crc), buffer.baseAddress, uInt(buffer.count)))
        }
    }
}
