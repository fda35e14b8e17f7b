import Plot
import Autograd
import Data
import XCTest

final class ImageGridTests: XCTestCase {
    func testTenGrayImagesMakeAFourColumnGridWithTwoPixelBorders() throws {
        // Image i is filled with value i / 9 in [0, 1].
        let images = Tensor(shape: [10, 1, 3, 5], scalars: (0..<10).flatMap { i in [Float](repeating: Float(i) / 9, count: 15) })
        let grid = try ImageGrid(images: images, valueRange: 0...1)
        XCTAssertEqual(grid.columns, 4)
        XCTAssertEqual(grid.rows, 3)
        let decoded = try DecodedPNG(grid.png.encoded())
        XCTAssertEqual(decoded.width, 4 * (5 + 2) + 2)
        XCTAssertEqual(decoded.height, 3 * (3 + 2) + 2)
        XCTAssertEqual(decoded.colorType, 0)
        XCTAssertEqual(decoded.pixel(column: 0, row: 0), [0], "border")
        XCTAssertEqual(decoded.pixel(column: 2, row: 2), [0], "image 0 is black")
        XCTAssertEqual(decoded.pixel(column: 2 + 7, row: 2), [28], "image 1 is 255/9 rounded")
        // Image 9 sits in row 2, column 1.
        XCTAssertEqual(decoded.pixel(column: 2 + 7 + 4, row: 2 + 10 + 2), [255])
        XCTAssertEqual(decoded.pixel(column: 2 + 14, row: 2 + 10), [0], "the empty cell after the last image is border colour")
    }

    func testRGBChannelsAreInterleavedAndValuesClampedFromSymmetricRange() throws {
        // One 1x1 RGB image: R = -1, G = 0, B = 3 (beyond the range: clamped).
        let images = Tensor(shape: [1, 3, 1, 1], scalars: [-1, 0, 3])
        let grid = try ImageGrid(images: images, valueRange: -1...1)
        let decoded = try DecodedPNG(grid.png.encoded())
        XCTAssertEqual(decoded.width, 5)
        XCTAssertEqual(decoded.height, 5)
        XCTAssertEqual(decoded.colorType, 2)
        XCTAssertEqual(decoded.pixel(column: 2, row: 2), [0, 128, 255])
    }

    func testColumnCountCanBeChosen() throws {
        let grid = try ImageGrid(images: Tensor.zeros([6, 1, 2, 2]), valueRange: 0...1, columns: 6)
        XCTAssertEqual(grid.columns, 6)
        XCTAssertEqual(grid.rows, 1)
        XCTAssertEqual(grid.png.width, 6 * 4 + 2)
    }

    func testShapesAGridCannotDrawThrowATypedErrorInsteadOfTrapping() {
        // Two channels, flat points, no images, an empty side: each a clear error, never a trap.
        let cases: [[Int]] = [[4, 2, 3, 3], [4, 3], [0, 1, 2, 2], [2, 1, 0, 3], [2, 4, 5, 5]]
        for shape in cases {
            XCTAssertThrowsError(try ImageGrid(images: Tensor.zeros(shape), valueRange: 0...1), "\(shape)") { error in
                guard case PictureError.undrawable(let found, _) = error else { return XCTFail("\(shape): \(error)") }
                XCTAssertEqual(found, shape)
                XCTAssertFalse("\(error)".contains("\n"), "one line")
            }
        }
    }

    func testPictureKindDrawsPointsAndOneOrThreeChannelImagesOnly() throws {
        XCTAssertEqual(try PictureKind.of(sampleShape: [2]), .scatter)
        XCTAssertEqual(try PictureKind.of(sampleShape: [1, 28, 28]), .imageGrid)
        XCTAssertEqual(try PictureKind.of(sampleShape: [3, 32, 32]), .imageGrid)
        for shape in [[3], [1], [2, 28, 28], [4, 8, 8], [784], [1, 0, 5]] {
            XCTAssertThrowsError(try PictureKind.of(sampleShape: shape), "\(shape)")
        }
    }
}
