import Autograd
import GAN
import XCTest

/// The whole-pixel maps: each one's effect on a small numbered image, composition,
/// and applying one map per sample to a batch.
final class PixelMapTests: XCTestCase {
    /// A 3x3 image holding 1...9, row by row.
    private let image = Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Float.init))

    private func apply(_ map: PixelMap) -> [Float] {
        remapPixels(image, [map]).scalars
    }

    func testAMirrorImageReversesEveryRow() {
        XCTAssertEqual(apply(.mirrored(height: 3, width: 3)), [3, 2, 1, 6, 5, 4, 9, 8, 7])
    }

    func testAQuarterTurnIsCounterClockwiseAndFourTurnsAreTheIdentity() {
        // The top-right 3 moves to the top-left corner.
        XCTAssertEqual(apply(.rotated(height: 3, width: 3, quarterTurns: 1)), [3, 6, 9, 2, 5, 8, 1, 4, 7])
        XCTAssertEqual(apply(.rotated(height: 3, width: 3, quarterTurns: 2)), [9, 8, 7, 6, 5, 4, 3, 2, 1])
        XCTAssertTrue(PixelMap.rotated(height: 3, width: 3, quarterTurns: 4).isIdentity)
        XCTAssertEqual(PixelMap.rotated(height: 3, width: 3, quarterTurns: -1), .rotated(height: 3, width: 3, quarterTurns: 3))
    }

    func testAShiftMovesTheContentAndFillsTheUncoveredBorderWithZeros() {
        XCTAssertEqual(apply(.shifted(height: 3, width: 3, dx: 1, dy: 0)), [0, 1, 2, 0, 4, 5, 0, 7, 8])
        XCTAssertEqual(apply(.shifted(height: 3, width: 3, dx: -1, dy: 1)), [0, 0, 0, 2, 3, 0, 5, 6, 0])
        XCTAssertEqual(apply(.shifted(height: 3, width: 3, dx: 3, dy: 0)), [Float](repeating: 0, count: 9))
    }

    func testCutoutZeroesItsRectangleClippedToTheImage() {
        XCTAssertEqual(apply(.cutout(height: 3, width: 3, rows: 1..<5, columns: -2..<1)), [1, 2, 3, 0, 5, 6, 0, 8, 9])
    }

    func testComposedMapsApplyInOrderAndKeepZeros() {
        let shift = PixelMap.shifted(height: 3, width: 3, dx: 1, dy: 0)
        let mirror = PixelMap.mirrored(height: 3, width: 3)
        // Shift then mirror: the zero column ends up on the right.
        XCTAssertEqual(apply(shift.then(mirror)), [2, 1, 0, 5, 4, 0, 8, 7, 0])
        XCTAssertEqual(apply(shift.then(mirror)), remapPixels(remapPixels(image, [shift]), [mirror]).scalars)
        XCTAssertNotEqual(apply(mirror.then(shift)), apply(shift.then(mirror)))
    }

    func testEachSampleAndEveryChannelOfItFollowsItsOwnMap() {
        let batch = Tensor(shape: [2, 2, 1, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        let maps = [PixelMap.mirrored(height: 1, width: 3), .shifted(height: 1, width: 3, dx: 1, dy: 0)]
        XCTAssertEqual(remapPixels(batch, maps).scalars, [3, 2, 1, 6, 5, 4, 0, 7, 8, 0, 10, 11])
    }
}
