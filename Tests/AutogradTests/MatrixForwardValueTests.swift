import XCTest

@testable import Autograd

/// matmul (every transpose, 2-D and batched) and linear against naive triple loops.
final class MatrixForwardValueTests: XCTestCase {
    func testMatmulMatchesNaiveProductForEveryTranspose() {
        let (m, n, k) = (4, 3, 5)
        for (index, (ta, tb)) in [(false, false), (true, false), (false, true), (true, true)].enumerated() {
            let a = randomTensor(ta ? [k, m] : [m, k], salt: 10 + index)
            let b = randomTensor(tb ? [n, k] : [k, n], salt: 20 + index)
            let c = matmul(a, b, transposeA: ta, transposeB: tb)
            XCTAssertEqual(c.shape, [m, n])
            assertClose(c, Naive.matmul(a.scalars, b.scalars, m: m, n: n, k: k, transposeA: ta, transposeB: tb), "matmul \(ta) \(tb)")
        }
    }

    func testBatchedMatmulMultipliesEachBatchEntrySeparately() {
        let (batch, m, n, k) = (3, 2, 4, 5)
        for (index, (ta, tb)) in [(false, false), (true, false), (false, true), (true, true)].enumerated() {
            let a = randomTensor([batch] + (ta ? [k, m] : [m, k]), salt: 30 + index)
            let b = randomTensor([batch] + (tb ? [n, k] : [k, n]), salt: 40 + index)
            let c = matmul(a, b, transposeA: ta, transposeB: tb)
            XCTAssertEqual(c.shape, [batch, m, n])
            var expected: [Double] = []
            for i in 0..<batch {
                expected += Naive.matmul(
                    Array(a.scalars[(i * m * k)..<((i + 1) * m * k)]), Array(b.scalars[(i * k * n)..<((i + 1) * k * n)]),
                    m: m, n: n, k: k, transposeA: ta, transposeB: tb)
            }
            assertClose(c, expected, "batched matmul \(ta) \(tb)")
        }
    }

    func testLinearIsInputTimesWeightTransposedPlusBias() {
        let x = randomTensor([3, 4], salt: 50)
        let w = randomTensor([5, 4], salt: 51)
        let b = randomTensor([5], salt: 52)
        let product = Naive.matmul(x.scalars, w.scalars, m: 3, n: 5, k: 4, transposeA: false, transposeB: true)
        assertClose(linear(x, weight: w, bias: nil), product, "linear without bias")
        let withBias = product.indices.map { product[$0] + Double(b.scalars[$0 % 5]) }
        assertClose(linear(x, weight: w, bias: b), withBias, "linear with bias")
    }

    func testProductsIgnoreStaleValuesInReusedBuffers() {
        // Large outputs come from the buffer pool; fill it with NaN first so a kernel
        // that accumulates into (rather than overwrites) its output would show it.
        let shape = [64, 128]
        for _ in 0..<4 { _ = Tensor(repeating: .nan, shape: shape) }
        let x = randomTensor([64, 8], salt: 53)
        let w = randomTensor([128, 8], salt: 54)
        let expected = Naive.matmul(x.scalars, w.scalars, m: 64, n: 128, k: 8, transposeA: false, transposeB: true)
        for _ in 0..<4 { _ = Tensor(repeating: .nan, shape: shape) }
        assertClose(linear(x, weight: w, bias: nil), expected, "linear after NaN buffers")
        for _ in 0..<4 { _ = Tensor(repeating: .nan, shape: shape) }
        assertClose(matmul(x, w, transposeB: true), expected, "matmul after NaN buffers")
    }
}
