import Plot
import Data
import Foundation

/// Small real image files the folder tests write themselves: PNG with the project's
/// encoder, JPEG with libjpeg-turbo through `JPEGEncoder`.
enum ImageFixtures {
    /// A smooth gradient with a bright square, different per `seed`: width × height × channels bytes.
    static func pixels(width: Int, height: Int, channels: Int, seed: Int) -> [UInt8] {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                let inSquare = abs(x - width / 2) < width / 4 && abs(y - height / 2) < height / 4
                for c in 0..<channels {
                    pixels.append(inSquare ? UInt8(200 + 20 * c) : UInt8((x * 7 + y * 3 + seed * 11 + c * 40) % 160))
                }
            }
        }
        return pixels
    }

    static func png(width: Int, height: Int, channels: Int, seed: Int) -> [UInt8] {
        PNGEncoder(
            width: width, height: height, colorType: channels == 1 ? .gray : .rgb,
            pixels: pixels(width: width, height: height, channels: channels, seed: seed)
        ).encoded()
    }

    static func jpeg(width: Int, height: Int, channels: Int, seed: Int, quality: Int = 95) throws -> [UInt8] {
        try JPEGEncoder.encode(
            DecodedImage(width: width, height: height, channels: channels, pixels: pixels(width: width, height: height, channels: channels, seed: seed)),
            quality: quality)
    }

    /// Writes `bytes` at `relativePath` under `directory`, creating folders on the way.
    @discardableResult
    static func write(_ bytes: [UInt8], _ relativePath: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Foundation.Data(bytes).write(to: url)
        return url
    }
}
