import Foundation

/// An 8-bit image as a decoder returns it: rows top to bottom, channels of a pixel
/// side by side (gray, or R, G, B).
public struct DecodedImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 1 (grayscale) or 3 (RGB).
    public let channels: Int
    /// width × height × channels bytes.
    public let pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(
            width > 0 && height > 0 && (channels == 1 || channels == 3) && pixels.count == width * height * channels,
            "DecodedImage: \(pixels.count) bytes for a \(width)x\(height) image of \(channels) channels")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Largest image (in pixels) a decoder accepts: larger files are refused, not allocated.
    public static let maximumPixels = 1 << 27

    /// Decodes a PNG or JPEG file's bytes, told apart by their leading bytes (not the file name).
    public static func decode(_ bytes: [UInt8]) throws(ImageDecodeError) -> DecodedImage {
        if bytes.starts(with: PNGDecoder.signature) { return try PNGDecoder.decode(bytes) }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return try JPEGDecoder.decode(bytes) }
        if bytes.isEmpty { throw ImageDecodeError("empty file") }
        throw ImageDecodeError("not a PNG or JPEG image (it starts with bytes \(bytes.prefix(4).map { String(format: "%02x", $0) }.joined(separator: " ")))")
    }
}

/// Why one image file could not be decoded (the file is then skipped with a warning).
public struct ImageDecodeError: Error, CustomStringConvertible, Equatable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
