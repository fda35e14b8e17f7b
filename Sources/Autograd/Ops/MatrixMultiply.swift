/// The operands of a matrix product as the current precision reads them: themselves in
/// float32, copies rounded to bfloat16 in bf16 (sgemm then sums their exact products in float32).
private func productOperands(_ a: Tensor, _ b: Tensor) -> (Tensor, Tensor) {
    Precision.current == .bf16 ? (BFloat16.rounded(a), BFloat16.rounded(b)) : (a, b)
}

/// op(a) · op(b) for 2-D tensors, where op transposes when asked (without copying:
/// the transpose is handed to sgemm). With 3-D tensors the leading axis is a batch.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    let product = MatrixProduct(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
    let result = Tensor(uninitializedShape: product.outputShape)
    let (x, y) = productOperands(a, b)
    for batch in 0..<product.batch {
        BLAS.gemm(
            transposeA: transposeA, transposeB: transposeB, m: product.m, n: product.n, k: product.k,
            a: x.pointer + batch * product.strideA, lda: a.shape[a.rank - 1],
            b: y.pointer + batch * product.strideB, ldb: b.shape[b.rank - 1],
            c: result.pointer + batch * product.m * product.n, ldc: product.n)
    }
    return result.recorded("matmul", [a, b]) { ctx in
        let (a, b, g) = (ctx.inputs[0], ctx.inputs[1], ctx.gradient)
        // C = op(A) op(B): each gradient is again one product, with transposes chosen so nothing is copied.
        let gradA: Tensor? =
            !ctx.needs(0) ? nil
            : transposeA ? matmul(b, g, transposeA: transposeB, transposeB: true)
            : matmul(g, b, transposeB: !transposeB)
        let gradB: Tensor? =
            !ctx.needs(1) ? nil
            : transposeB ? matmul(g, a, transposeA: true, transposeB: transposeA)
            : matmul(a, g, transposeA: !transposeA)
        return [gradA, gradB]
    }
}

/// x · weightᵀ + bias: a fully connected layer with PyTorch's [out, in] weight layout.
/// The bias is written into the output first and sgemm adds the product onto it.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
    guard x.rank == 2, weight.rank == 2, x.shape[1] == weight.shape[1] else {
        fatalError(shapeMismatch("linear", x.shape, weight.shape, expected: "input [batch, in] and weight [out, in]"))
    }
    let (rows, inputs, outputs) = (x.shape[0], x.shape[1], weight.shape[0])
    let result = Tensor(uninitializedShape: [rows, outputs])
    if let bias {
        precondition(bias.shape == [outputs], shapeMismatch("linear", bias.shape, [outputs], expected: "bias [out]"))
        for row in 0..<rows { (result.pointer + row * outputs).update(from: bias.pointer, count: outputs) }
    }
    let (input, matrix) = productOperands(x, weight)
    BLAS.gemm(
        transposeA: false, transposeB: true, m: rows, n: outputs, k: inputs, a: input.pointer, lda: inputs,
        b: matrix.pointer, ldb: inputs, beta: bias == nil ? 0 : 1, c: result.pointer, ldc: outputs)
    let inputs3 = bias.map { [x, weight, $0] } ?? [x, weight]
    return result.recorded("linear", inputs3) { ctx in
        let (x, weight, g) = (ctx.inputs[0], ctx.inputs[1], ctx.gradient)
        var grads: [Tensor?] = [
            ctx.needs(0) ? matmul(g, weight) : nil,
            ctx.needs(1) ? matmul(g, x, transposeA: true) : nil,
        ]
        if ctx.inputs.count == 3 { grads.append(ctx.needs(2) ? g.sum(toShape: [g.shape[1]]) : nil) }
        return grads
    }
}

/// The dimensions of op(a) · op(b), checked.
struct MatrixProduct {
    let batch: Int
    let m: Int
    let n: Int
    let k: Int
    let strideA: Int
    let strideB: Int
    let outputShape: [Int]

    init(_ a: [Int], _ b: [Int], transposeA: Bool, transposeB: Bool) {
        if let problem = Self.mismatch(a, b, transposeA: transposeA, transposeB: transposeB) { fatalError(problem) }
        let rows = a.count - 2
        let (ar, ac) = (a[rows], a[rows + 1])
        let (br, bc) = (b[rows], b[rows + 1])
        m = transposeA ? ac : ar
        k = transposeA ? ar : ac
        n = transposeB ? br : bc
        batch = a.count == 3 ? a[0] : 1
        strideA = ar * ac
        strideB = br * bc
        outputShape = a.count == 3 ? [batch, m, n] : [m, n]
    }

    /// Why op(a) · op(b) cannot be formed (the message matmul stops with), or nil when it can.
    static func mismatch(_ a: [Int], _ b: [Int], transposeA: Bool, transposeB: Bool) -> String? {
        guard a.count == b.count, a.count == 2 || a.count == 3, a.count == 2 || a[0] == b[0] else {
            return shapeMismatch("matmul", a, b, expected: "two matrices, or two batches of matrices of the same batch size")
        }
        let rows = a.count - 2
        let k = transposeA ? a[rows] : a[rows + 1]
        let kb = transposeB ? b[rows + 1] : b[rows]
        guard k == kb else {
            return shapeMismatch(
                "matmul", a, b,
                expected: "inner dimensions \(k) and \(kb) must agree (transposeA: \(transposeA), transposeB: \(transposeB))")
        }
        return nil
    }
}
