import XCTest

@testable import Autograd

/// Finite-difference checks of the elementwise math functions (exp, log, sqrt,
/// pow, abs, square, clamp), first order and, for the smooth ones, second order.
final class PointwiseGradientTests: XCTestCase {
    /// Values in [0.5, 2.5): inside the domain of log, sqrt and fractional powers.
    private func positive(_ shape: [Int], salt: Int) -> Tensor {
        let u = RandomStream(seed: 5, purpose: "positive", step: salt).uniform(rows: 1, columns: shape.reduce(1, *))
        return Tensor(shape: shape, scalars: u.scalars.map { 0.5 + 2 * $0 })
    }

    func testExpGradientMatchesFiniteDifferences() {
        GradientCheck().verify([randomTensor([3, 4], salt: 1)]) { $0[0].exp() }
    }

    func testLogGradientMatchesFiniteDifferences() {
        GradientCheck().verify([positive([3, 4], salt: 2)]) { $0[0].log() }
    }

    func testSqrtGradientMatchesFiniteDifferences() {
        GradientCheck().verify([positive([3, 4], salt: 3)]) { $0[0].sqrt() }
    }

    func testPowGradientMatchesFiniteDifferencesForSeveralExponents() {
        let x = positive([3, 4], salt: 4)
        for exponent: Float in [3, 2, 0.5, -1.5] {
            GradientCheck().verify([x]) { $0[0].pow(exponent) }
        }
    }

    func testAbsGradientIsTheSignAwayFromZero() {
        GradientCheck().verify([randomTensorAvoiding([0], [3, 4], salt: 5)]) { $0[0].abs() }
        let x = Tensor([-2, 0, 3]).requiringGrad()
        x.abs().sum().backward()
        XCTAssertEqual(x.grad?.scalars, [-1, 0, 1])
    }

    func testSquareGradientMatchesFiniteDifferences() {
        GradientCheck().verify([randomTensor([3, 4], salt: 6)]) { $0[0].square() }
    }

    func testClampGradientPassesOnlyInsideTheRange() {
        GradientCheck().verify([randomTensorAvoiding([-0.5, 0.7], [4, 5], salt: 7)]) { $0[0].clamped(to: -0.5, 0.7) }
        let x = Tensor([-1, -0.5, 0, 0.7, 2]).requiringGrad()
        x.clamped(to: -0.5, 0.7).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [0, 1, 1, 1, 0])
    }

    func testSmoothFunctionsSecondOrderMatchesFiniteDifferences() {
        let x = positive([3, 4], salt: 8)
        let scale = randomTensor([4], salt: 9, scale: 0.5)
        let check = GradientCheck()
        // Each function is applied to x * scale so the penalty also reaches the second input.
        check.verifySecondOrder([x, scale]) { ($0[0] * $0[1]).exp() }
        check.verifySecondOrder([x, scale]) { ($0[0] * $0[1]).square() }
        check.verifySecondOrder([x, scale]) { ($0[0] * 2 + $0[1] * 0.2).log() }
        check.verifySecondOrder([x, scale]) { ($0[0] * 2 + $0[1] * 0.2).sqrt() }
        check.verifySecondOrder([x, scale]) { ($0[0] + $0[1] * 0.2).pow(2.5) }
    }
}
