import CZlib

/// Decompresses gzip streams with zlib (windowBits 16 + MAX_WBITS selects the
/// gzip wrapper). Several concatenated members, as `cat a.gz b.gz` makes, are
/// read one after another.
public enum Gzip {
    /// True when `bytes` start with the gzip magic 1f 8b.
    public static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The decompressed contents of `compressed`.
    public static func decompress(_ compressed: [UInt8]) throws(GzipError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(sizeHint(compressed))
        var stream = z_stream()
        guard inflateInit2_(&stream, 16 + MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw GzipError(reason: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }

        let chunkSize = 1 << 16
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        try compressed.withUnsafeBufferPointer { (input) throws(GzipError) in
            guard let base = input.baseAddress else { return }
            var consumed = 0
            while true {
                stream.next_in = UnsafeMutablePointer(mutating: base + consumed)
                stream.avail_in = UInt32(input.count - consumed)
                var status: Int32 = Z_OK
                repeat {
                    status = chunk.withUnsafeMutableBufferPointer { out -> Int32 in
                        stream.next_out = out.baseAddress
                        stream.avail_out = UInt32(chunkSize)
                        let result = inflate(&stream, Z_NO_FLUSH)
                        output.append(contentsOf: out[0..<(chunkSize - Int(stream.avail_out))])
                        return result
                    }
                } while status == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0)
                consumed = input.count - Int(stream.avail_in)
                switch status {
                case Z_STREAM_END:
                    // Another gzip member may follow; anything else after the stream is an error.
                    let rest = Array(input[consumed...])
                    if rest.isEmpty { return }
                    guard isCompressed(rest) else {
                        throw GzipError(reason: "\(rest.count) bytes after the end of the stream at offset \(consumed), expected another gzip member or nothing")
                    }
                    inflateReset(&stream)
                case Z_OK, Z_BUF_ERROR:
                    throw GzipError(reason: "stream ends early after \(consumed) compressed bytes (\(output.count) bytes inflated); the file is truncated")
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                    throw GzipError(reason: "\(message) near compressed offset \(consumed)")
                }
            }
        }
        return output
    }

    /// The uncompressed size the trailer records (mod 2^32), capped so a corrupt
    /// trailer cannot make us reserve more than deflate could plausibly expand to.
    private static func sizeHint(_ compressed: [UInt8]) -> Int {
        guard compressed.count >= 18 else { return 0 }
        let n = compressed.count
        let size = Int(compressed[n - 4]) | Int(compressed[n - 3]) << 8 | Int(compressed[n - 2]) << 16 | Int(compressed[n - 1]) << 24
        return min(size, 1032 * n, 1 << 30)
    }
}

/// Why a gzip stream could not be inflated.
public struct GzipError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
