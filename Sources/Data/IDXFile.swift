import Foundation

/// An array read from an IDX file (the format MNIST ships in): a header of two
/// zero bytes, a type byte (0x08 = unsigned byte), a dimension count, then one
/// big-endian UInt32 per dimension, followed by the elements in row-major order.
struct IDXFile {
    /// Extent of each dimension, as the header declares it.
    let shape: [Int]
    /// The elements (unsigned bytes).
    let bytes: [UInt8]

    /// Element type codes the IDX format defines, for messages.
    private static let typeNames: [UInt8: String] = [
        0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "int16", 0x0C: "int32", 0x0D: "float32", 0x0E: "float64",
    ]

    /// Reads `url` (plain or gzip'd), requiring unsigned-byte elements and `rank`
    /// dimensions; `format` names the expected content in messages ("IDX images").
    static func read(_ url: URL, rank: Int, format: String) throws -> IDXFile {
        let path = url.relativePath
        let file = try FileBytes.read(url, expected: "\(format), magic 0x\(hex(magic(rank: rank)))")
        return try parse(file, path: path, rank: rank, format: format)
    }

    /// The magic number of an unsigned-byte IDX file of `rank` dimensions.
    static func magic(rank: Int) -> UInt32 { 0x0800 | UInt32(rank) }

    static func parse(_ file: [UInt8], path: String, rank: Int, format: String) throws -> IDXFile {
        let expectedMagic = "0x\(hex(magic(rank: rank))) (\(format))"
        guard !file.isEmpty else { throw DataError.empty(path: path, what: "bytes (\(format))") }
        guard file.count >= 4 else {
            throw DataError.truncated(path: path, part: "magic number", offset: 0, expectedBytes: 4, foundBytes: file.count)
        }
        let found = bigEndianUInt32(file, at: 0)
        guard file[0] == 0, file[1] == 0, typeNames[file[2]] != nil, Int(file[3]) == rank else {
            throw DataError.wrongMagic(path: path, offset: 0, found: "0x\(hex(found))", expected: expectedMagic)
        }
        guard file[2] == 0x08 else {
            throw DataError.unsupportedDType(
                path: path, found: "\(typeNames[file[2]] ?? "?") (type byte 0x\(String(file[2], radix: 16)) at offset 2)",
                expected: "unsigned byte (0x08)")
        }
        let headerSize = 4 + 4 * rank
        guard file.count >= headerSize else {
            throw DataError.truncated(path: path, part: "header", offset: 4, expectedBytes: headerSize - 4, foundBytes: file.count - 4)
        }
        let shape = (0..<rank).map { Int(bigEndianUInt32(file, at: 4 + 4 * $0)) }
        let elements = shape.reduce(1, *)
        let available = file.count - headerSize
        guard available >= elements else {
            throw DataError.truncated(path: path, part: "data", offset: headerSize, expectedBytes: elements, foundBytes: available)
        }
        guard available == elements else {
            throw DataError.trailingBytes(path: path, offset: headerSize, expectedBytes: elements, foundBytes: available)
        }
        return IDXFile(shape: shape, bytes: Array(file[headerSize...]))
    }

    private static func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[offset + $1]) }
    }

    /// Eight hex digits, as IDX magic numbers are usually written.
    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
