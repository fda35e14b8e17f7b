import Plot
import Data
import XCTest

final class ImageDecodingTests: XCTestCase {
    func testPNGGrayAndRGBDecodeToTheirExactPixels() throws {
        for channels in [1, 3] {
            let image = try DecodedImage.decode(ImageFixtures.png(width: 9, height: 5, channels: channels, seed: 2))
            XCTAssertEqual([image.width, image.height, image.channels], [9, 5, channels])
            XCTAssertEqual(image.pixels, ImageFixtures.pixels(width: 9, height: 5, channels: channels, seed: 2))
        }
    }

    func testJPEGGrayAndRGBDecodeCloseToWhatWasEncoded() throws {
        for channels in [1, 3] {
            let original = ImageFixtures.pixels(width: 16, height: 8, channels: channels, seed: 1)
            let image = try DecodedImage.decode(try ImageFixtures.jpeg(width: 16, height: 8, channels: channels, seed: 1, quality: 100))
            XCTAssertEqual([image.width, image.height, image.channels], [16, 8, channels])
            // Compare brightness: JPEG keeps luma at full resolution (chroma is subsampled, so
            // the fixture's sharp colour edges blur), and quality 100 still rounds in the DCT.
            let worst = zip(luma(image.pixels, channels), luma(original, channels)).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, 4, "channels \(channels)")
        }
    }

    private func luma(_ pixels: [UInt8], _ channels: Int) -> [Double] {
        guard channels == 3 else { return pixels.map(Double.init) }
        return stride(from: 0, to: pixels.count, by: 3).map { (k: Int) -> Double in
            let (r, g, b) = (Double(pixels[k]), Double(pixels[k + 1]), Double(pixels[k + 2]))
            return 0.299 * r + 0.587 * g + 0.114 * b
        }
    }

    func testBadBytesFailWithAReason() throws {
        let png = ImageFixtures.png(width: 20, height: 20, channels: 3, seed: 0)
        let jpeg = try ImageFixtures.jpeg(width: 32, height: 32, channels: 3, seed: 0)
        let cases: [(String, [UInt8], String)] = [
            ("empty", [], "empty file"),
            ("text", Array("hello, not an image".utf8), "not a PNG or JPEG image"),
            ("truncated PNG", Array(png.prefix(png.count / 2)), "PNG: "),
            ("truncated JPEG", Array(jpeg.prefix(jpeg.count / 2)), "JPEG: "),
            ("PNG signature only", PNGEncoder.signature, "PNG: "),
        ]
        for (name, bytes, reason) in cases {
            XCTAssertThrowsError(try DecodedImage.decode(bytes), name) { error in
                XCTAssertTrue("\(error)".hasPrefix(reason), "\(name): \(error)")
            }
        }
    }
}
