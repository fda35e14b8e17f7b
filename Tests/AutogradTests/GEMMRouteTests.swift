import CDNNL
import XCTest

@testable import Autograd

/// oneDNN's matrix product against OpenBLAS's sgemm on every form `BLAS.gemm` takes:
/// both transposes, accumulation, and leading dimensions wider than the matrices
/// (which oneDNN 2.6 runs only on its generic gemm, so those stay on sgemm).
final class GEMMRouteTests: XCTestCase {
    override func tearDown() { GEMMRoute.forced = nil }

    /// oneDNN 2.6 has brgemm products on AVX-512 CPUs.
    private var oneDNNHasFastProducts: Bool {
        let isa = dnnl_cpu_isa_avx512_core.rawValue
        return dnnl_get_effective_cpu_isa().rawValue & isa == isa
    }

    private func product(
        _ route: GEMMRoute, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, a: Tensor, b: Tensor, lda: Int, ldb: Int, ldc: Int,
        accumulateOnto start: Tensor?
    ) -> Tensor {
        GEMMRoute.forced = route
        let c = start?.copy() ?? Tensor.zeros([m * ldc])
        BLAS.gemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a.pointer, lda: lda, b: b.pointer, ldb: ldb,
            beta: start == nil ? 0 : 1, c: c.pointer, ldc: ldc)
        return c
    }

    func testEveryFormMatchesSgemm() {
        let (m, n, k) = (40, 72, 130)
        for padding in [0, 3] {
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                for accumulate in [false, true] {
                    let (rowsA, columnsA) = transposeA ? (k, m) : (m, k)
                    let (rowsB, columnsB) = transposeB ? (n, k) : (k, n)
                    let (lda, ldb, ldc) = (columnsA + padding, columnsB + padding, n + padding)
                    let a = randomTensor([rowsA * lda], salt: 1)
                    let b = randomTensor([rowsB * ldb], salt: 2)
                    let start = accumulate ? randomTensor([m * ldc], salt: 3) : nil
                    let label = "transposeA \(transposeA), transposeB \(transposeB), accumulate \(accumulate), padding \(padding)"
                    let key = MatmulKey(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, accumulates: accumulate)
                    if padding == 0 && oneDNNHasFastProducts {
                        XCTAssertNotNil(DNNL.context?.matmul(key), "oneDNN runs no fast product for \(label)")
                    }
                    let fast = product(.oneDNN, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, b: b, lda: lda, ldb: ldb, ldc: ldc, accumulateOnto: start)
                    let reference = product(.openBLAS, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, b: b, lda: lda, ldb: ldb, ldc: ldc, accumulateOnto: start)
                    let scale = product(.openBLAS, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a.abs(), b: b.abs(), lda: lda, ldb: ldb, ldc: ldc, accumulateOnto: start?.abs())
                    // Both sum 130 products in float32 in different orders: within 130·2⁻²⁴ of Σ|terms|.
                    let worst = (0..<m * ldc).map { i -> Double in
                        // Padding columns of C (never written) compare as 0 / 0 + 1e-30.
                        Double(Swift.abs(fast.pointer[i] - reference.pointer[i])) / (Double(scale.pointer[i]) + 1e-30)
                    }.max() ?? 0
                    XCTAssertLessThanOrEqual(worst, 1e-5, label)
                    let unwritten = (0..<m).flatMap { row in (n..<ldc).map { row * ldc + $0 } }
                    XCTAssertEqual(unwritten.map { fast.pointer[$0] }, unwritten.map { (start ?? Tensor.zeros([m * ldc])).pointer[$0] }, "\(label): padding written")
                }
            }
        }
        }
    }

    func testOnlyProductsWithNoShortSideRunOnOneDNN() {
        XCTAssertEqual(BLAS.route(m: 8, n: 8, k: 8), .openBLAS)
        XCTAssertEqual(BLAS.route(m: 25, n: 9800, k: 64), .openBLAS)
        XCTAssertEqual(BLAS.route(m: 256, n: 512, k: 2), .openBLAS)
        XCTAssertEqual(BLAS.route(m: 128, n: 512, k: 512), .oneDNN)
    }
}
