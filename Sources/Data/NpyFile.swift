import Autograd
import Foundation

/// Reads and writes NumPy .npy files (format versions 1.0, 2.0 and 3.0): the
/// magic "\u{93}NUMPY", a version, a little-endian header length, a Python
/// dict header, then the elements. Reading accepts uint8 ('|u1') and float32
/// ('<f4') arrays in C order; writing produces float32 (or uint8, for caches), version 1.0.
public enum NpyFile {
    /// An element type this reader converts.
    enum DType: String {
        case uint8 = "|u1"
        case float32 = "<f4"

        var size: Int { self == .uint8 ? 1 : 4 }

        init?(descr: String) {
            switch descr {
            case "|u1", "<u1", "u1": self = .uint8
            case "<f4": self = .float32
            default: return nil
            }
        }
    }

    /// The array in a file, elements still in its own type.
    struct Contents {
        let shape: [Int]
        let dtype: DType
        /// The element bytes (little-endian).
        let data: [UInt8]

        /// The elements as floats: uint8 values as 0...255, float32 as stored.
        var floats: [Float] {
            switch dtype {
            case .uint8:
                return data.map(Float.init)
            case .float32:
                return data.withUnsafeBytes { raw in
                    (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
                }
            }
        }
    }

    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// Data starts at a multiple of this many bytes, as NumPy aligns it.
    private static let alignment = 64

    /// The shape and values of the array in `url` (uint8 elements come back as 0...255).
    public static func read(_ url: URL) throws -> (shape: [Int], values: [Float]) {
        let contents = try readContents(url)
        return (contents.shape, contents.floats)
    }

    /// Writes `tensor` as a float32 ('<f4') array of its shape, version 1.0, atomically.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        try FileBytes.write(encode(shape: tensor.shape, values: tensor.scalars), to: url)
    }

    /// The bytes of a version 1.0 float32 .npy file.
    static func encode(shape: [Int], values: [Float]) -> [UInt8] {
        var bytes = preamble(.float32, shape: shape)
        bytes.reserveCapacity(bytes.count + 4 * values.count)
        for value in values {
            let bits = value.bitPattern
            bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
        }
        return bytes
    }

    /// The bytes of a version 1.0 uint8 .npy file.
    static func encode(shape: [Int], bytes values: [UInt8]) -> [UInt8] {
        preamble(.uint8, shape: shape) + values
    }

    /// Magic, version 1.0, and the header padded so the data starts aligned.
    private static func preamble(_ dtype: DType, shape: [Int]) -> [UInt8] {
        let header = NpyHeader(descr: dtype.rawValue, fortranOrder: false, shape: shape).literal
        let prefix = magic.count + 4  // magic, two version bytes, two length bytes
        let unpadded = prefix + header.utf8.count + 1  // + the closing newline
        let padding = (alignment - unpadded % alignment) % alignment
        let headerBytes = Array(header.utf8) + [UInt8](repeating: 0x20, count: padding) + [0x0A]
        return magic + [1, 0, UInt8(headerBytes.count & 0xFF), UInt8(headerBytes.count >> 8)] + headerBytes
    }

    /// Reads `url` (plain or gzip'd) and checks its header against its size.
    static func readContents(_ url: URL) throws -> Contents {
        try decode(FileBytes.read(url, expected: "a NumPy .npy array"), path: url.relativePath)
    }

    static func decode(_ file: [UInt8], path: String) throws -> Contents {
        guard !file.isEmpty else { throw DataError.empty(path: path, what: "bytes (a .npy array)") }
        guard file.count >= 8 else {
            throw DataError.truncated(path: path, part: "preamble", offset: 0, expectedBytes: 8, foundBytes: file.count)
        }
        guard Array(file[0..<6]) == magic else {
            let found = file[0..<6].map { String(format: "%02x", $0) }.joined(separator: " ")
            throw DataError.wrongMagic(path: path, offset: 0, found: found, expected: "93 4e 55 4d 50 59 (\"\\x93NUMPY\", a .npy file)")
        }
        let major = file[6]
        let lengthSize: Int
        switch major {
        case 1: lengthSize = 2
        case 2, 3: lengthSize = 4
        default:
            throw DataError.malformedHeader(path: path, offset: 6, reason: "format version \(major).\(file[7]), expected 1.0, 2.0 or 3.0")
        }
        let headerStart = 8 + lengthSize
        guard file.count >= headerStart else {
            throw DataError.truncated(path: path, part: "header length", offset: 8, expectedBytes: lengthSize, foundBytes: file.count - 8)
        }
        let headerLength = (0..<lengthSize).reduce(0) { $0 | Int(file[8 + $1]) << (8 * $1) }
        let dataStart = headerStart + headerLength
        guard file.count >= dataStart else {
            throw DataError.truncated(
                path: path, part: "header", offset: headerStart, expectedBytes: headerLength, foundBytes: file.count - headerStart)
        }
        let header = try NpyHeader.parse(Array(file[headerStart..<dataStart]), path: path, fileOffset: headerStart)
        guard let dtype = DType(descr: header.descr) else {
            throw DataError.unsupportedDType(
                path: path, found: "'\(header.descr)'",
                expected: "'<f4' (float32) or '|u1' (uint8); convert with array.astype(numpy.float32)")
        }
        guard !header.fortranOrder else {
            throw DataError.unsupportedLayout(
                path: path, found: "fortran_order True", expected: "C order; save numpy.ascontiguousarray(array)")
        }
        let expectedBytes = header.shape.reduce(1, *) * dtype.size
        let available = file.count - dataStart
        guard available >= expectedBytes else {
            throw DataError.truncated(path: path, part: "data", offset: dataStart, expectedBytes: expectedBytes, foundBytes: available)
        }
        guard available == expectedBytes else {
            throw DataError.trailingBytes(path: path, offset: dataStart, expectedBytes: expectedBytes, foundBytes: available)
        }
        return Contents(shape: header.shape, dtype: dtype, data: Array(file[dataStart...]))
    }
}
