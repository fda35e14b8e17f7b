import CDNNL

/// What a cached matrix-product primitive computes: C[m,n] = op(A) op(B) (+ C when
/// `accumulates`), row-major with leading dimensions, as `BLAS.gemm` takes it; A and B
/// are float32, or bf16 when `bf16Inputs` (C is float32 either way).
struct MatmulKey: Hashable {
    let transposeA, transposeB: Bool
    let m, n, k, lda, ldb, ldc: Int
    let accumulates: Bool
    var bf16Inputs = false
}

/// oneDNN's matrix product (its brgemm JIT kernels; for bf16 inputs also its bf16 gemm
/// kernels) on Tandem's row-major buffers in place: the transposes and leading
/// dimensions are strides of the memory descriptors, so nothing is reordered. Made once
/// per key and thread; `make` returns nil when oneDNN cannot make it.
final class DNNLMatmul {
    let primitive: DNNLPrimitive
    private let a, b, c: DNNLMemory

    private init(primitive: DNNLPrimitive, a: DNNLMemory, b: DNNLMemory, c: DNNLMemory) {
        (self.primitive, self.a, self.b, self.c) = (primitive, a, b, c)
    }

    var implementation: String { primitive.implementation }

    static func make(_ key: MatmulKey, engine: dnnl_engine_t) -> DNNLMatmul? {
        let input = key.bf16Inputs ? dnnl_bf16 : dnnl_f32
        guard
            var a = dnnl_memory_desc_t.make([key.m, key.k], input, strides: key.transposeA ? [1, key.lda] : [key.lda, 1]),
            var b = dnnl_memory_desc_t.make([key.k, key.n], input, strides: key.transposeB ? [1, key.ldb] : [key.ldb, 1]),
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

    /// Whether oneDNN's choice beats OpenBLAS's sgemm: its brgemm kernels do, and for bf16
    /// inputs its bf16 gemm kernels too (what it picks for a strided output, as fast here).
    static func isFast(_ implementation: String, bf16Inputs: Bool) -> Bool {
        implementation.hasPrefix("brg") || (bf16Inputs && implementation.hasPrefix("gemm:jit"))
    }

    /// C = op(A) op(B) (+ C), A and B of the key's input type; false when oneDNN failed.
    func run(a dataA: UnsafeRawPointer, b dataB: UnsafeRawPointer, c dataC: UnsafeMutablePointer<Float>, context: DNNLContext) -> Bool {
        guard a.point(at: UnsafeMutableRawPointer(mutating: dataA)), b.point(at: UnsafeMutableRawPointer(mutating: dataB)), c.point(at: dataC)
        else { return false }
        return primitive.executeWithScratch(
            [
                dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: a.handle), dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: b.handle),
                dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: c.handle),
            ], context: context)
    }
}

extension DNNLContext {
    /// The oneDNN product for `key` when oneDNN has a fast one, made on first use.
    func matmul(_ key: MatmulKey) -> DNNLMatmul? {
        matmuls.primitive(for: key) {
            DNNL.engine.flatMap { DNNLMatmul.make(key, engine: $0) }.flatMap { DNNLMatmul.isFast($0.implementation, bf16Inputs: key.bf16Inputs) ? $0 : nil }
        }
    }
}
