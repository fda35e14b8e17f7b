import TestSupport
import CZlib

/// zlib calls the tests use to produce gzip files and to check PNG files
/// independently of the code under test.
public enum ZlibForTests {
    /// `bytes` as a gzip file (deflateInit2 with windowBits 31 selects the gzip wrapper).
    public static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        let initialized = deflateInit2_(
            &stream, Z_BEST_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(initialized == Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        var input = bytes
        let status = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer -> Int32 in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        precondition(status == Z_STREAM_END)
        return Array(output[0..<Int(stream.total_out)])
    }

    /// Inflates a zlib-format stream (as in PNG IDAT) of known decompressed size.
    public static func inflateZlib(_ bytes: [UInt8], expectedSize: Int) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: expectedSize)
        var size = uLongf(expectedSize)
        let status = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &size, input.baseAddress, uLong(input.count))
            }
        }
        guard status == Z_OK, Int(size) == expectedSize else { return nil }
        return output
    }

    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
    }
}
