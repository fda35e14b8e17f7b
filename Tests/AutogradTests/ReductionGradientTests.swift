import XCTest

@testable import Autograd

/// Finite-difference checks of sums, means, their adjoint broadcasts, and the
/// Euclidean norm, first and second order.
final class ReductionGradientTests: XCTestCase {
    private let x = randomTensor([2, 3, 4], salt: 1)

    func testSumOfAllElementsGradientIsOnes() {
        GradientCheck().verify([x]) { $0[0].sum() }
        let leaf = x.requiringGrad()
        leaf.sum().backward()
        XCTAssertEqual(leaf.grad?.scalars, [Float](repeating: 1, count: 24))
    }

    func testSumOverAxesGradientMatchesFiniteDifferences() {
        for axes in [[0], [1], [2], [-1], [0, 2], [0, 1, 2]] {
            for keepDims in [false, true] {
                GradientCheck().verify([x]) { ($0[0].sum(axes: axes, keepDims: keepDims)).square() }
            }
        }
    }

    func testMeanGradientsMatchFiniteDifferences() {
        // A [3, 4] input keeps 1/n large enough for the check to see a wrong factor.
        let small = randomTensor([3, 4], salt: 5)
        GradientCheck().verify([small]) { $0[0].mean() }
        for axes in [[0], [1], [-1], [0, 1]] {
            for keepDims in [false, true] {
                GradientCheck().verify([small]) { $0[0].mean(axes: axes, keepDims: keepDims) }
            }
        }
        let leaf = x.requiringGrad()
        leaf.mean(axes: [1]).sum().backward()
        for g in leaf.grad!.scalars { XCTAssertEqual(g, 1.0 / 3, accuracy: 1e-7) }
    }

    func testSumToShapeAndBroadcastGradientsMatchFiniteDifferences() {
        for target in [[3, 4], [1, 3, 1], [4], [2, 1, 4], [], [1]] {
            GradientCheck().verify([x]) { $0[0].sum(toShape: target).square() }
        }
        for source in [[3, 4], [1, 3, 1], [4], [2, 1, 4], []] {
            GradientCheck().verify([randomTensor(source, salt: 2)]) { $0[0].broadcast(to: [2, 3, 4]).square() }
        }
    }

    func testNormGradientMatchesFiniteDifferencesAlongEachAxis() {
        for axis in [0, 1, 2, -1] {
            for keepDims in [false, true] {
                GradientCheck().verify([x]) { $0[0].norm(axis: axis, keepDims: keepDims) }
            }
        }
    }

    func testNormGradientIsZeroWhereTheNormIsZero() {
        let rows = Tensor(shape: [2, 2], scalars: [0, 0, 3, 4]).requiringGrad()
        rows.norm(axis: 1).sum().backward()
        XCTAssertEqual(rows.grad?.scalars, [0, 0, 0.6, 0.8])
    }

    func testReductionsSecondOrderMatchesFiniteDifferences() {
        let w = randomTensor([4], salt: 3)
        let check = GradientCheck()
        check.verifySecondOrder([x, w]) { $0[0].sum() * ($0[0] * $0[1]) }
        check.verifySecondOrder([x, w]) { $0[0].mean() * ($0[0] * $0[1]).exp() }
        check.verifySecondOrder([x, w]) { ($0[0] * $0[1]).sum(axes: [1], keepDims: true) * $0[0] }
        check.verifySecondOrder([x, w]) { ($0[0] * $0[1]).mean(axes: [0, 2]).square() }
        check.verifySecondOrder([x, w]) { ($0[0].sum(toShape: [3, 4]) * $0[1]).square() }
        check.verifySecondOrder([x, w]) { ($0[1].broadcast(to: [2, 3, 4]) * $0[0]).square() }
    }

    func testNormSecondOrderMatchesFiniteDifferences() {
        let w = randomTensor([4], salt: 4)
        GradientCheck().verifySecondOrder([x, w]) { ($0[0] * $0[1]).norm(axis: 2) }
        GradientCheck().verifySecondOrder([x, w]) { ($0[0] * $0[1]).norm(axis: 1, keepDims: true) * $0[1] }
        // The gradient-penalty shape: (‖∂/∂x‖ − 1)² per sample.
        GradientCheck().verifySecondOrder([x, w]) { (($0[0] * $0[1]).flattenedBatch().norm(axis: 1) - 1).square() }
    }
}
