import XCTest

@testable import Autograd

/// Finite-difference checks of matmul (every transpose combination, 2-D and
/// batched 3-D) and of the fully connected layer, first and second order.
final class MatrixGradientTests: XCTestCase {
    private let transposeCombinations = [(false, false), (true, false), (false, true), (true, true)]

    /// Operands whose op(a) is [m, k] and op(b) is [k, n], stored transposed where asked.
    private func operands(batch: Int?, _ ta: Bool, _ tb: Bool, salt: Int) -> (Tensor, Tensor) {
        let (m, k, n) = (3, 4, 5)
        let lead = batch.map { [$0] } ?? []
        let a = randomTensor(lead + (ta ? [k, m] : [m, k]), salt: salt)
        let b = randomTensor(lead + (tb ? [n, k] : [k, n]), salt: salt + 1)
        return (a, b)
    }

    func testMatmulGradientMatchesFiniteDifferencesForEveryTranspose() {
        for (index, (ta, tb)) in transposeCombinations.enumerated() {
            let (a, b) = operands(batch: nil, ta, tb, salt: 10 * index)
            GradientCheck().verify([a, b]) { matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
        }
    }

    func testBatchedMatmulGradientMatchesFiniteDifferencesForEveryTranspose() {
        for (index, (ta, tb)) in transposeCombinations.enumerated() {
            let (a, b) = operands(batch: 2, ta, tb, salt: 50 + 10 * index)
            GradientCheck().verify([a, b]) { matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
        }
    }

    func testMatmulSecondOrderMatchesFiniteDifferences() {
        for (index, (ta, tb)) in transposeCombinations.enumerated() {
            let (a, b) = operands(batch: nil, ta, tb, salt: 100 + 10 * index)
            // Linear in a: the penalty on d/da depends on b only.
            GradientCheck(zeroGradientInputs: [0]).verifySecondOrder([a, b]) { matmul($0[0], $0[1], transposeA: ta, transposeB: tb) }
            GradientCheck().verifySecondOrder([a, b]) { matmul($0[0], $0[1], transposeA: ta, transposeB: tb).tanh() }
            GradientCheck().verifySecondOrder([b, a]) { matmul($0[1], $0[0], transposeA: ta, transposeB: tb).tanh() }
        }
        let (a, b) = operands(batch: 2, true, false, salt: 150)
        GradientCheck().verifySecondOrder([a, b]) { matmul($0[0], $0[1], transposeA: true).sigmoid() }
    }

    func testLinearGradientMatchesFiniteDifferencesWithAndWithoutBias() {
        let x = randomTensor([3, 4], salt: 200)
        let w = randomTensor([5, 4], salt: 201)
        let b = randomTensor([5], salt: 202)
        GradientCheck().verify([x, w, b]) { linear($0[0], weight: $0[1], bias: $0[2]) }
        GradientCheck().verify([x, w]) { linear($0[0], weight: $0[1], bias: nil) }
    }

    func testLinearSecondOrderMatchesFiniteDifferences() {
        let x = randomTensor([3, 4], salt: 203)
        let w = randomTensor([5, 4], salt: 204, scale: 0.5)
        let b = randomTensor([5], salt: 205)
        GradientCheck(zeroGradientInputs: [0, 2]).verifySecondOrder([x, w, b]) { linear($0[0], weight: $0[1], bias: $0[2]) }
        GradientCheck().verifySecondOrder([x, w, b]) { linear($0[0], weight: $0[1], bias: $0[2]).tanh() }
        GradientCheck().verifySecondOrder([x, w]) { linear($0[0], weight: $0[1], bias: nil).softplus() }
        // The penalty on d/dweight instead of d/dx.
        GradientCheck().verifySecondOrder([w, x, b]) { linear($0[1], weight: $0[0], bias: $0[2]).tanh() }
    }
}
