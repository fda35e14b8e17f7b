import CBLAS

/// The one place Autograd calls OpenBLAS.
enum BLAS {
    /// C[m,n] = alpha * op(A) op(B) + beta * C, row-major; op(A) is [m,k], op(B) is [k,n].
    @inline(__always)
    static func gemm(
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

    /// Threads OpenBLAS uses per call.
    static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }
}

/// OpenBLAS's thread count, for commands that pin it (one per rank when ranks fill the cores).
public enum BLASThreads {
    public static var count: Int {
        get { BLAS.threadCount }
        set { BLAS.threadCount = newValue }
    }
}

/// Raw single-precision GEMM on caller-owned buffers, for benchmarks that compare
/// the Tensor matmul against the library it runs on.
public func rawSgemm(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
    transposeB: Bool = false
) {
    BLAS.gemm(
        transposeA: false, transposeB: transposeB, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: transposeB ? k : n,
        c: c, ldc: n)
}
