import TestSupport
import XCTest

/// Reads back the PNG files the encoder writes (8-bit, filter type 0, not
/// interlaced), checking the signature, every chunk's CRC and the chunk order.
struct DecodedPNG {
    var width: Int
    var height: Int
    var colorType: UInt8
    var channels: Int
    /// Row-major pixels, channels interleaved.
    var pixels: [UInt8]
    var chunkTypes: [String]

    func pixel(column: Int, row: Int) -> [UInt8] {
        let k = (row * width + column) * channels
        return Array(pixels[k..<(k + channels)])
    }

    init(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "PNG signature", file: file, line: line)
        func uint32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 << 8 | Int(bytes[at + $1]) } }
        var position = 8
        var types: [String] = []
        var header: [UInt8] = []
        var compressed: [UInt8] = []
        while position < bytes.count {
            let length = uint32(position)
            let typeAndData = Array(bytes[(position + 4)..<(position + 8 + length)])
            let type = String(decoding: typeAndData.prefix(4), as: UTF8.self)
            let storedCRC = UInt32(uint32(position + 8 + length))
            XCTAssertEqual(storedCRC, ZlibForTests.crc32(typeAndData), "CRC of chunk \(type)", file: file, line: line)
            let data = Array(typeAndData.dropFirst(4))
            if type == "IHDR" { header = data }
            if type == "IDAT" { compressed += data }
            types.append(type)
            position += 12 + length
        }
        XCTAssertEqual(position, bytes.count, "chunks end exactly at the end of the file", file: file, line: line)
        XCTAssertEqual(types.first, "IHDR", file: file, line: line)
        XCTAssertEqual(types.last, "IEND", file: file, line: line)
        XCTAssertEqual(header.count, 13, file: file, line: line)
        width = (0..<4).reduce(0) { $0 << 8 | Int(header[$1]) }
        height = (4..<8).reduce(0) { $0 << 8 | Int(header[$1]) }
        XCTAssertEqual(header[8], 8, "bit depth", file: file, line: line)
        XCTAssertEqual(Array(header[10...12]), [0, 0, 0], "compression, filter method, interlace", file: file, line: line)
        colorType = header[9]
        channels = colorType == 2 ? 3 : 1
        let rowBytes = width * channels
        let raw = try XCTUnwrap(ZlibForTests.inflateZlib(compressed, expectedSize: height * (rowBytes + 1)), "IDAT inflates", file: file, line: line)
        pixels = []
        for row in 0..<height {
            XCTAssertEqual(raw[row * (rowBytes + 1)], 0, "filter byte of row \(row)", file: file, line: line)
            pixels += raw[(row * (rowBytes + 1) + 1)..<((row + 1) * (rowBytes + 1))]
        }
        chunkTypes = types
    }
}
