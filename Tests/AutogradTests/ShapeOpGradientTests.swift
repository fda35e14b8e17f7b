import XCTest

@testable import Autograd

/// Finite-difference checks of the ops that move elements without arithmetic:
/// reshape, permute, transpose, concat, slice, gatherRows.
final class ShapeOpGradientTests: XCTestCase {
    func testReshapeGradientMatchesFiniteDifferences() {
        let x = randomTensor([2, 3, 4], salt: 1)
        let w = randomTensor([4, 6], salt: 2)
        GradientCheck().verify([x, w]) { $0[0].reshaped([4, -1]) * $0[1] }
        GradientCheck().verify([x]) { $0[0].reshaped([6, 4]).flattenedBatch().exp() }
    }

    func testReshapeSecondOrderMatchesFiniteDifferences() {
        let x = randomTensor([2, 3, 4], salt: 3)
        let w = randomTensor([4, 6], salt: 4)
        GradientCheck().verifySecondOrder([x, w]) { ($0[0].reshaped([4, 6]) * $0[1]).tanh().reshaped([-1]) }
    }

    func testPermuteGradientMatchesFiniteDifferencesIn3DAnd4D() {
        let x3 = randomTensor([2, 3, 4], salt: 5)
        for permutation in [[0, 2, 1], [2, 0, 1], [1, 2, 0], [2, 1, 0]] {
            GradientCheck().verify([x3]) { $0[0].permuted(permutation).square() }
        }
        let x4 = randomTensor([2, 3, 1, 4], salt: 6)
        for permutation in [[0, 2, 3, 1], [3, 1, 0, 2], [1, 0, 3, 2]] {
            GradientCheck().verify([x4]) { $0[0].permuted(permutation).square() }
        }
    }

    func testTransposeGradientMatchesFiniteDifferences() {
        let x = randomTensor([3, 5], salt: 7)
        let w = randomTensor([5, 3], salt: 8)
        GradientCheck().verify([x, w]) { $0[0].transposed() * $0[1] }
    }

    func testConcatGradientMatchesFiniteDifferencesAlongEachAxis() {
        let a = randomTensor([2, 3], salt: 9)
        let b = randomTensor([1, 3], salt: 10)
        let c = randomTensor([3, 3], salt: 11)
        GradientCheck().verify([a, b, c]) { concat([$0[0], $0[1].exp(), $0[2]], axis: 0).square() }
        let d = randomTensor([2, 1], salt: 12)
        let e = randomTensor([2, 4], salt: 13)
        GradientCheck().verify([a, d, e]) { concat([$0[0], $0[1], $0[2] * 2], axis: 1).square() }
        GradientCheck().verify([a, d, e]) { concat([$0[0], $0[1], $0[2]], axis: -1).square() }
    }

    func testSliceAlongTheLeadingAxisIsAZeroCopyView() {
        let x = randomTensor([5, 3], salt: 14).requiringGrad()
        let rows = x.slice(axis: 0, 1..<4)
        XCTAssertTrue(rows.storage === x.storage)
        XCTAssertEqual(rows.offset, 3)
        XCTAssertEqual(rows.scalars, Array(x.scalars[3..<12]))
        GradientCheck().verify([randomTensor([5, 3], salt: 14)]) { $0[0].slice(axis: 0, 1..<4).square() }
    }

    func testSliceAlongInnerAxesGradientMatchesFiniteDifferences() {
        let x = randomTensor([2, 5, 3], salt: 15)
        GradientCheck().verify([x]) { $0[0].slice(axis: 1, 2..<5).square() }
        GradientCheck().verify([x]) { $0[0].slice(axis: -1, 0..<1).square() }
        // A slice gradient taken twice (its adjoint, pad, must record its own backward).
        GradientCheck().verifySecondOrder([x]) { $0[0].slice(axis: 1, 1..<3).square() }
    }

    func testGatherRowsGradientAddsRepeatedRows() {
        let x = randomTensor([4, 3], salt: 16)
        let indices = [2, 0, 2, 3, 2]
        GradientCheck().verify([x]) { $0[0].gatherRows(indices).square() }
        GradientCheck().verifySecondOrder([x]) { $0[0].gatherRows(indices).square() }
        let leaf = x.requiringGrad()
        leaf.gatherRows(indices).sum().backward()
        XCTAssertEqual(leaf.grad?.scalars, [1, 1, 1, 0, 0, 0, 3, 3, 3, 1, 1, 1])
    }
}
