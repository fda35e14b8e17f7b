import XCTest

@testable import Autograd

/// Wrong shapes trap (a programmer error), so what is tested is the message they
/// trap with: it names the op and both shapes, and the broadcast rule behind it.
final class ShapeErrorMessageTests: XCTestCase {
    func testShapeMismatchNamesTheOpAndBothShapes() {
        let message = shapeMismatch("add", [3, 4], [5, 4], expected: "equal, or 1, along each trailing axis")
        XCTAssertTrue(message.hasPrefix("add:"), message)
        XCTAssertTrue(message.contains("[3, 4]"), message)
        XCTAssertTrue(message.contains("[5, 4]"), message)
        XCTAssertTrue(message.contains("equal, or 1, along each trailing axis"), message)
    }

    func testBroadcastShapeFollowsNumPyRules() {
        XCTAssertNil(broadcastShape([3, 4], [5, 4]))
        XCTAssertNil(broadcastShape([3], [4]))
        XCTAssertNil(broadcastShape([2, 3, 4], [3, 3]))
        XCTAssertEqual(broadcastShape([3, 4], [4]), [3, 4])
        XCTAssertEqual(broadcastShape([3, 1], [3, 4]), [3, 4])
        XCTAssertEqual(broadcastShape([2, 1, 4], [3, 1]), [2, 3, 4])
        XCTAssertEqual(broadcastShape([], [2, 3]), [2, 3])
        XCTAssertEqual(broadcastShape([1], []), [1])
        XCTAssertEqual(broadcastShape([0, 1], [1, 5]), [0, 5])
    }

    func testMatmulMessageNamesBothShapesAndTheInnerDimensions() {
        let message = MatrixProduct.mismatch([3, 4], [5, 6], transposeA: false, transposeB: false)
        XCTAssertNotNil(message)
        XCTAssertTrue(message?.hasPrefix("matmul:") == true, message ?? "")
        XCTAssertTrue(message?.contains("[3, 4]") == true, message ?? "")
        XCTAssertTrue(message?.contains("[5, 6]") == true, message ?? "")
        XCTAssertTrue(message?.contains("inner dimensions 4 and 5") == true, message ?? "")
        let transposed = MatrixProduct.mismatch([4, 3], [6, 5], transposeA: true, transposeB: true)
        XCTAssertTrue(transposed?.contains("inner dimensions 4 and 5") == true, transposed ?? "")
        XCTAssertTrue(transposed?.contains("transposeA: true, transposeB: true") == true, transposed ?? "")
    }

    func testMatmulMessageRejectsMixedRanksAndBatchSizes() {
        XCTAssertNotNil(MatrixProduct.mismatch([2, 3, 4], [4, 5], transposeA: false, transposeB: false))
        XCTAssertNotNil(MatrixProduct.mismatch([2, 3, 4], [3, 4, 5], transposeA: false, transposeB: false))
        XCTAssertNotNil(MatrixProduct.mismatch([3], [3], transposeA: false, transposeB: false))
        let batch = MatrixProduct.mismatch([2, 3, 4], [3, 4, 5], transposeA: false, transposeB: false) ?? ""
        XCTAssertTrue(batch.contains("[2, 3, 4]") && batch.contains("[3, 4, 5]"), batch)
    }

    func testCompatibleMatmulShapesProduceNoMessageAndTheRightOutputShape() {
        for (a, b, ta, tb) in [([3, 4], [4, 5], false, false), ([4, 3], [4, 5], true, false), ([3, 4], [5, 4], false, true), ([2, 4, 3], [2, 5, 4], true, true)] {
            XCTAssertNil(MatrixProduct.mismatch(a, b, transposeA: ta, transposeB: tb))
            let product = MatrixProduct(a, b, transposeA: ta, transposeB: tb)
            XCTAssertEqual(product.outputShape, a.count == 3 ? [2, 3, 5] : [3, 5])
        }
    }
}
