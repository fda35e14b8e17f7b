import CDNNL

/// What a cached matrix-product primitive computes: C[m,n] = op(A) op(B) (+ C when
/// `accumulates`), row-major with leading dimensions, as `BLAS.gemm` takes it.
struct MatmulKey: Hashable {
    let transposeA, transposeB: Bool
    let m, n, k, lda, ldb, ldc: Int
    let accumulates: Bool
}

/// oneDNN's float32 matrix product (its brgemm JIT kernels) on Tandem's row-major
/// buffers in place: the transposes and leading dimensions are strides of the memory
/// descriptors, so nothing is reordered. Made once per key and thread; `make` returns
/// nil when oneDNN cannot make it.
final class DNNLMatmul {
    let primitive: DNNLPrimitive
    private let a, b, c: DNNLMemory

    private init(primitive: DNNLPrimitive, a: DNNLMemory, b: DNNLMemory, c: DNNLMemory) {
        (self.primitive, self.a, self.b, self.c) = (primitive, a, b, c)
    }

    var implementation: String { primitive.implementation }

    static func make(_ key: MatmulKey, engine: dnnl_engine_t) -> DNNLMatmul? {
        guard
            var a = dnnl_memory_desc_t.make([key.m, key.k], dnnl_f32, strides: key.transposeA ? [1, key.lda] : [key.lda, 1]),
            var b = dnnl_memory_desc_t.make([key.k, key.n], dnnl_f32, strides: key.transposeB ? [1, key.ldb] : [key.ldb, 1]),
            var c = dnnl_memory_desc_t.make([key.m, key.n], dnnl_f32, strides: [key.ldc, 1])
        else { return nil }
        var op = dnnl_matmul_desc_t()
        guard dnnl_matmul_desc_init(&op, &a, &b, nil, &c) == dnnl_success,
            let descriptor = DNNLPrimitiveDescriptor(descriptor: &op, hint: nil, engine: engine, accumulates: key.accumulates),
            let primitive = DNNLPrimitive(descriptor, engine: engine),
            let memoryA = DNNLMemory(a, engine: engine), let memoryB = DNNLMemory(b, engine: engine), let memoryC = DNNLMemory(c, engine: engine)
        else { return nil }
        return DNNLMatmul(primitive: primitive, a: memoryA, b: memoryB, c: memoryC)
    }

    /// Whether oneDNN's choice beats OpenBLAS's sgemm: its brgemm kernels do.
    static func isFast(_ implementation: String) -> Bool { implementation.hasPrefix("brg") }

    /// C = op(A) op(B) (+ C); false when oneDNN failed.
    func run(a dataA: UnsafePointer<Float>, b dataB: UnsafePointer<Float>, c dataC: UnsafeMutablePointer<Float>, context: DNNLContext) -> Bool {
        guard a.point(at: UnsafeMutableRawPointer(mutating: dataA)), b.point(at: UnsafeMutableRawPointer(mutating: dataB)), c.point(at: dataC)
        else { return false }
        return primitive.executeWithScratch(
            [
                dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: a.handle), dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: b.handle),
                dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: c.handle),
            ], on: context.stream)
    }
}

extension DNNLContext {
    /// The oneDNN product for `key` when oneDNN has a fast one, made on first use.
    func matmul(_ key: MatmulKey) -> DNNLMatmul? {
        matmuls.primitive(for: key) {
            DNNL.engine.flatMap { DNNLMatmul.make(key, engine: $0) }.flatMap { DNNLMatmul.isFast($0.implementation) ? $0 : nil }
        }
    }
}
