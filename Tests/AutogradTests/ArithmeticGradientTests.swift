import XCTest

@testable import Autograd

/// First- and second-order finite-difference checks of + − × ÷ (with NumPy
/// broadcasting), negation and the tensor-scalar forms.
final class ArithmeticGradientTests: XCTestCase {
    /// Operand shape pairs that exercise each broadcasting path of the kernels.
    private let shapePairs: [([Int], [Int])] = [
        ([3, 4], [3, 4]),  // same shape
        ([3, 4], [4]),  // a row over every row
        ([3, 4], [3, 1]),  // a column over every column
        ([3, 4], []),  // a scalar
        ([2, 1, 4], [3, 1]),  // both sides stretch: result [2, 3, 4]
        ([4], [3, 4]),  // the broadcast operand on the left
    ]

    private func checkBinary(divisorShift: Float = 0, _ op: @escaping (Tensor, Tensor) -> Tensor) {
        for (index, (left, right)) in shapePairs.enumerated() {
            let a = randomTensor(left, salt: 10 + index)
            // Divisors are kept away from zero so 1/b stays tame.
            var b = randomTensor(right, salt: 20 + index)
            if divisorShift != 0 { b = Tensor(shape: right, scalars: b.scalars.map { $0 >= 0 ? $0 + divisorShift : $0 - divisorShift }) }
            GradientCheck().verify([a, b]) { op($0[0], $0[1]) }
        }
    }

    func testAddGradientMatchesFiniteDifferencesForEveryBroadcast() {
        checkBinary { $0 + $1 }
    }

    func testSubtractGradientMatchesFiniteDifferencesForEveryBroadcast() {
        checkBinary { $0 - $1 }
    }

    func testMultiplyGradientMatchesFiniteDifferencesForEveryBroadcast() {
        checkBinary { $0 * $1 }
    }

    func testDivideGradientMatchesFiniteDifferencesForEveryBroadcast() {
        checkBinary(divisorShift: 1) { $0 / $1 }
    }

    func testBroadcastProductsCombineInOneExpression() {
        let x = randomTensor([2, 3, 4], salt: 30)
        let row = randomTensor([4], salt: 31)
        let column = randomTensor([3, 1], salt: 32)
        GradientCheck().verify([x, row, column]) { ($0[0] * $0[1] + $0[2]) * $0[0] - $0[2] * $0[1] }
    }

    func testNegateGradientIsMinusOne() {
        let x = randomTensor([3, 4], salt: 33)
        GradientCheck().verify([x]) { -$0[0] }
        let leaf = x.requiringGrad()
        (-leaf).sum().backward()
        XCTAssertEqual(leaf.grad?.scalars, [Float](repeating: -1, count: 12))
    }

    func testTensorScalarOperatorsMatchFiniteDifferences() {
        let x = randomTensor([3, 4], salt: 34)
        let away = Tensor(shape: [3, 4], scalars: x.scalars.map { $0 >= 0 ? $0 + 1 : $0 - 1 })
        let check = GradientCheck()
        check.verify([x]) { $0[0] + 1.5 }
        check.verify([x]) { 1.5 + $0[0] }
        check.verify([x]) { $0[0] - 2.5 }
        check.verify([x]) { 2.5 - $0[0] }
        check.verify([x]) { $0[0] * 3 }
        check.verify([x]) { -0.5 * $0[0] }
        check.verify([x]) { $0[0] / 4 }
        check.verify([away]) { 2 / $0[0] }
    }

    func testTensorScalarGradientsHaveExactValues() {
        let x = Tensor([1, 2, -4]).requiringGrad()
        (2 / x).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [-2, -0.5, -0.125])
        let y = Tensor([1, 2]).requiringGrad()
        ((3 - y) * 2 + y / 4).sum().backward()
        XCTAssertEqual(y.grad?.scalars, [-1.75, -1.75])
    }

    func testArithmeticSecondOrderMatchesFiniteDifferences() {
        let a = randomTensor([3, 4], salt: 40)
        let b = randomTensor([4], salt: 41, shift: 2)
        let check = GradientCheck()
        // Bilinear and rational forms: the inner gradient depends on both operands.
        check.verifySecondOrder([a, b]) { ($0[0] + $0[1]) * $0[0] }
        check.verifySecondOrder([a, b]) { $0[0] * $0[1] * $0[0] }
        check.verifySecondOrder([a, b]) { $0[0] / $0[1] + $0[0] * $0[0] }
        check.verifySecondOrder([b, a]) { $0[1] / $0[0] }
        check.verifySecondOrder([a, b]) { ($0[0] - $0[1]).square() - (1 / $0[1]) * $0[0] }
    }
}
