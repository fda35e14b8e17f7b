import Formats
import Foundation

/// An 8-bit grayscale or RGB image encoded as PNG: the signature, an IHDR
/// chunk, one IDAT chunk holding the zlib-compressed rows (each prefixed by
/// filter byte 0, "none"), and IEND. Every chunk carries zlib's CRC-32.
public struct PNGEncoder: Sendable {
    /// Channels per pixel and their PNG colour type.
    public enum ColorType: UInt8, Sendable {
        case gray = 0
        case rgb = 2

        public var channels: Int { self == .gray ? 1 : 3 }
    }

    public let width: Int
    public let height: Int
    public let colorType: ColorType
    /// Row-major pixels, channels interleaved (R, G, B, R, ...): width × height × channels bytes.
    public let pixels: [UInt8]

    /// The 8 bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    public init(width: Int, height: Int, colorType: ColorType, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "PNGEncoder: image size \(width)x\(height) must be positive")
        precondition(
            pixels.count == width * height * colorType.channels,
            "PNGEncoder: \(pixels.count) bytes for a \(width)x\(height) \(colorType) image, expected \(width * height * colorType.channels)")
        self.width = width
        self.height = height
        self.colorType = colorType
        self.pixels = pixels
    }

    /// The PNG file's bytes.
    public func encoded() -> [UInt8] {
        var header: [UInt8] = []
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        header += [8, colorType.rawValue, 0, 0, 0]  // bit depth, colour type, deflate, adaptive filters, no interlace

        let rowBytes = width * colorType.channels
        var filtered: [UInt8] = []
        filtered.reserveCapacity(height * (rowBytes + 1))
        for row in 0..<height {
            filtered.append(0)
            filtered += pixels[(row * rowBytes)..<((row + 1) * rowBytes)]
        }
        return Self.signature + chunk("IHDR", header) + chunk("IDAT", ZlibCompression.compress(filtered)) + chunk("IEND", [])
    }

    /// Writes the PNG file to `url` atomically.
    public func write(to url: URL) throws(FileWriteError) {
        try AtomicFile.write(encoded(), to: url)
    }

    /// Length, type, data, and the CRC-32 of type and data.
    private func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeAndData = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typeAndData + bigEndian(ZlibCompression.crc32(typeAndData))
    }

    private func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
