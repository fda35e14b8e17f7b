import CBLAS

/// The one place Autograd calls OpenBLAS.
enum BLAS {
    /// C[m,n] = alpha * op(A) op(B) + beta * C, row-major; op(A) is [m,k], op(B) is [k,n].
    /// Products with no short side run on oneDNN where it has a fast kernel (`route`), the
    /// rest on OpenBLAS's sgemm.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m > 0, n > 0, k > 0, alpha == 1, beta == 0 || beta == 1, route(m: m, n: n, k: k) == .oneDNN, let context = DNNL.context {
            let key = MatmulKey(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc, accumulates: beta == 1)
            if let product = context.matmul(key), product.run(a: a, b: b, c: c, context: context) {
                GEMMCounter.add(m: m, n: n, k: k)
                return
            }
        }
        sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// `gemm` on OpenBLAS's sgemm, whatever the shape.
    static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            if beta == 0 { for row in 0..<m { (c + row * ldc).update(repeating: 0, count: n) } }
            return
        }
        GEMMCounter.add(m: m, n: n, k: k)
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Products with a side shorter than this stay on sgemm: oneDNN's brgemm kernels
    /// beat it on square-ish products (the toy MLP step runs 8% faster, BENCHMARKS.md) but ran
    /// 25×64×9800 (im2col's image-side product) and 50×128×4096 (a generator's first
    /// layer) at about 70 GFLOP/s, below sgemm.
    static let oneDNNMinimumSide = 64

    /// The library that runs an m×n×k float32 product.
    static func route(m: Int, n: Int, k: Int) -> GEMMRoute {
        if let forced = GEMMRoute.forced { return forced }
        return Swift.min(m, n, k) >= oneDNNMinimumSide ? .oneDNN : .openBLAS
    }

    /// Threads OpenBLAS uses per call.
    static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }
}

/// Which library runs a float32 matrix product (Tensor matmul, linear, im2col's products).
public enum GEMMRoute: String, CaseIterable, Sendable {
    /// oneDNN's matmul (its brgemm JIT kernels), where it has them for the shape.
    case oneDNN = "onednn"
    /// OpenBLAS's sgemm.
    case openBLAS = "openblas"

    /// A route every product takes from now on regardless of size, for benchmarks and
    /// tests; nil (the default) runs products with no side under 64 on oneDNN where it has a fast kernel.
    nonisolated(unsafe) public static var forced: GEMMRoute?
}

/// OpenBLAS's thread count, for commands that pin it (one per rank when ranks fill the cores).
public enum BLASThreads {
    public static var count: Int {
        get { BLAS.threadCount }
        set { BLAS.threadCount = newValue }
    }
}

/// Raw OpenBLAS sgemm on caller-owned buffers (never oneDNN): the peak benchmarks
/// compare the Tensor matmul and the training steps against.
public func rawSgemm(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
    transposeB: Bool = false
) {
    BLAS.sgemm(
        transposeA: false, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: transposeB ? k : n,
        c: c, ldc: n)
}
