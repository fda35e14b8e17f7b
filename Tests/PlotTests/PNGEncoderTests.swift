import Formats
import TestSupport
import Plot
import Data
import Foundation
import XCTest

final class PNGEncoderTests: XCTestCase {
    func testGrayImageDecodesToTheSamePixels() throws {
        let pixels: [UInt8] = (0..<(5 * 3)).map { UInt8($0 * 17) }
        let png = PNGEncoder(width: 5, height: 3, colorType: .gray, pixels: pixels)
        let decoded = try DecodedPNG(png.encoded())
        XCTAssertEqual(decoded.width, 5)
        XCTAssertEqual(decoded.height, 3)
        XCTAssertEqual(decoded.colorType, 0)
        XCTAssertEqual(decoded.chunkTypes, ["IHDR", "IDAT", "IEND"])
        XCTAssertEqual(decoded.pixels, pixels)
    }

    func testRGBImageDecodesToTheSamePixels() throws {
        let (width, height) = (7, 4)
        var pixels: [UInt8] = []
        for k in 0..<(width * height) {
            pixels += [UInt8(k * 9 % 256), UInt8(255 - k), UInt8(k % 2 * 200)]
        }
        let decoded = try DecodedPNG(PNGEncoder(width: width, height: height, colorType: .rgb, pixels: pixels).encoded())
        XCTAssertEqual(decoded.colorType, 2)
        XCTAssertEqual(decoded.pixels, pixels)
        XCTAssertEqual(decoded.pixel(column: 3, row: 2), [UInt8((2 * 7 + 3) * 9 % 256), UInt8(255 - 17), 200])
    }

    func testWriteProducesTheEncodedBytes() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("x.png")
        let png = PNGEncoder(width: 2, height: 2, colorType: .gray, pixels: [0, 64, 128, 255])
        try png.write(to: url)
        XCTAssertEqual([UInt8](try Foundation.Data(contentsOf: url)), png.encoded())
    }

    func testWritingIntoAMissingDirectoryIsAnIOError() throws {
        let directory = try TemporaryDirectory()
        let url = directory.url.appendingPathComponent("no/such/dir/x.png")
        XCTAssertThrowsError(try PNGEncoder(width: 1, height: 1, colorType: .gray, pixels: [0]).write(to: url)) { error in
            guard let failure = error as? FileWriteError, failure.path == url.relativePath else { return XCTFail("\(error)") }
            XCTAssertTrue("\(failure)".hasPrefix(url.relativePath + ": cannot be written: "), "\(failure)")
        }
    }
}
