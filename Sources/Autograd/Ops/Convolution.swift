/// The two sides of a 2-D convolution: the "big" image (the input of a
/// convolution, the output of a transposed one) and the "small" one. One
/// geometry serves all three primitives below, which are each other's adjoints.
struct ConvGeometry: Equatable {
    let batch: Int
    let bigChannels: Int
    let smallChannels: Int
    let kernelHeight: Int
    let kernelWidth: Int
    let stride: Int
    let padding: Int
    let bigHeight: Int
    let bigWidth: Int
    let smallHeight: Int
    let smallWidth: Int

    /// Rows of the unfolded (im2col) matrix: one per (big channel, kernel row, kernel column).
    var patchSize: Int { bigChannels * kernelHeight * kernelWidth }
    /// Columns of the unfolded matrix: one per (sample, small-image position).
    var positions: Int { batch * smallHeight * smallWidth }
    var bigShape: [Int] { [batch, bigChannels, bigHeight, bigWidth] }
    var smallShape: [Int] { [batch, smallChannels, smallHeight, smallWidth] }
    /// Weights are [small channels, big channels, kh, kw]: PyTorch's Conv2d [out, in, ...]
    /// and ConvTranspose2d [in, out, ...] layouts alike.
    var weightShape: [Int] { [smallChannels, bigChannels, kernelHeight, kernelWidth] }

    /// Unfolds `big` ([N, C, H, W]) into `columns` ([patchSize, positions]), zeros where padding.
    func unfold(_ big: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>) {
        let smallArea = smallHeight * smallWidth
        for c in 0..<bigChannels {
            for ki in 0..<kernelHeight {
                for kj in 0..<kernelWidth {
                    let row = columns + ((c * kernelHeight + ki) * kernelWidth + kj) * positions
                    for n in 0..<batch {
                        let image = big + (n * bigChannels + c) * bigHeight * bigWidth
                        let out = row + n * smallArea
                        for oh in 0..<smallHeight {
                            let ih = oh * stride - padding + ki
                            let dst = out + oh * smallWidth
                            guard ih >= 0 && ih < bigHeight else {
                                dst.update(repeating: 0, count: smallWidth)
                                continue
                            }
                            let src = image + ih * bigWidth
                            let (first, end) = validColumns(kj)
                            if first > 0 { dst.update(repeating: 0, count: first) }
                            for ow in first..<end { dst[ow] = src[ow * stride - padding + kj] }
                            if end < smallWidth { (dst + end).update(repeating: 0, count: smallWidth - end) }
                        }
                    }
                }
            }
        }
    }

    /// Adds `columns` ([patchSize, positions]) back onto a zeroed `big` image (the adjoint of `unfold`).
    func fold(_ columns: UnsafePointer<Float>, into big: UnsafeMutablePointer<Float>) {
        big.update(repeating: 0, count: batch * bigChannels * bigHeight * bigWidth)
        let smallArea = smallHeight * smallWidth
        for c in 0..<bigChannels {
            for ki in 0..<kernelHeight {
                for kj in 0..<kernelWidth {
                    let row = columns + ((c * kernelHeight + ki) * kernelWidth + kj) * positions
                    let (first, end) = validColumns(kj)
                    for n in 0..<batch {
                        let image = big + (n * bigChannels + c) * bigHeight * bigWidth
                        let source = row + n * smallArea
                        for oh in 0..<smallHeight {
                            let ih = oh * stride - padding + ki
                            guard ih >= 0 && ih < bigHeight else { continue }
                            let dst = image + ih * bigWidth
                            let src = source + oh * smallWidth
                            for ow in first..<end { dst[ow * stride - padding + kj] += src[ow] }
                        }
                    }
                }
            }
        }
    }

    /// The small-image columns ow whose big-image column ow*stride - padding + kj is inside the image.
    @inline(__always)
    private func validColumns(_ kj: Int) -> (Int, Int) {
        // ow*stride - padding + kj >= 0  and  < bigWidth
        let low = padding - kj
        let first = low <= 0 ? 0 : (low + stride - 1) / stride
        let high = bigWidth + padding - kj  // exclusive bound on ow*stride
        let end = high <= 0 ? 0 : Swift.min(smallWidth, (high + stride - 1) / stride)
        return (Swift.min(first, end), end)
    }
}

/// [N, C, P] <-> [C, N, P] (channel-major matrices for GEMM, and back).
private func swapLeadingAxes(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, _ a: Int, _ b: Int, _ inner: Int) {
    for i in 0..<a {
        for j in 0..<b {
            (destination + (j * a + i) * inner).update(from: source + (i * b + j) * inner, count: inner)
        }
    }
}

/// Convolution of a big image into a small one: [N, C, H, W] -> [N, O, Ho, Wo].
func convolve(_ big: Tensor, _ weight: Tensor, _ g: ConvGeometry) -> Tensor {
    let columns = Tensor(uninitializedShape: [g.patchSize, g.positions])
    g.unfold(big.pointer, into: columns.pointer)
    let channelMajor = Tensor(uninitializedShape: [g.smallChannels, g.positions])
    BLAS.gemm(
        transposeA: false, transposeB: false, m: g.smallChannels, n: g.positions, k: g.patchSize,
        a: weight.pointer, lda: g.patchSize, b: columns.pointer, ldb: g.positions, c: channelMajor.pointer, ldc: g.positions)
    let result = Tensor(uninitializedShape: g.smallShape)
    swapLeadingAxes(channelMajor.pointer, into: result.pointer, g.smallChannels, g.batch, g.smallHeight * g.smallWidth)
    return result.recorded("conv2d", [big, weight]) { ctx in
        [
            ctx.needs(0) ? convolveTransposed(ctx.gradient, ctx.inputs[1], g) : nil,
            ctx.needs(1) ? convolutionWeightGradient(ctx.inputs[0], ctx.gradient, g) : nil,
        ]
    }
}

/// Transposed convolution of a small image into a big one: [N, O, Ho, Wo] -> [N, C, H, W].
func convolveTransposed(_ small: Tensor, _ weight: Tensor, _ g: ConvGeometry) -> Tensor {
    let channelMajor = Tensor(uninitializedShape: [g.smallChannels, g.positions])
    swapLeadingAxes(small.pointer, into: channelMajor.pointer, g.batch, g.smallChannels, g.smallHeight * g.smallWidth)
    let columns = Tensor(uninitializedShape: [g.patchSize, g.positions])
    BLAS.gemm(
        transposeA: true, transposeB: false, m: g.patchSize, n: g.positions, k: g.smallChannels,
        a: weight.pointer, lda: g.patchSize, b: channelMajor.pointer, ldb: g.positions, c: columns.pointer, ldc: g.positions)
    let result = Tensor(uninitializedShape: g.bigShape)
    g.fold(columns.pointer, into: result.pointer)
    return result.recorded("convTranspose2d", [small, weight]) { ctx in
        [
            ctx.needs(0) ? convolve(ctx.gradient, ctx.inputs[1], g) : nil,
            ctx.needs(1) ? convolutionWeightGradient(ctx.gradient, ctx.inputs[0], g) : nil,
        ]
    }
}

/// The weight gradient of a convolution: sum over positions of small-side values
/// times big-side patches, [O, C, kh, kw]. Bilinear in its two inputs.
func convolutionWeightGradient(_ big: Tensor, _ small: Tensor, _ g: ConvGeometry) -> Tensor {
    let columns = Tensor(uninitializedShape: [g.patchSize, g.positions])
    g.unfold(big.pointer, into: columns.pointer)
    let channelMajor = Tensor(uninitializedShape: [g.smallChannels, g.positions])
    swapLeadingAxes(small.pointer, into: channelMajor.pointer, g.batch, g.smallChannels, g.smallHeight * g.smallWidth)
    let result = Tensor(uninitializedShape: g.weightShape)
    BLAS.gemm(
        transposeA: false, transposeB: true, m: g.smallChannels, n: g.patchSize, k: g.positions,
        a: channelMajor.pointer, lda: g.positions, b: columns.pointer, ldb: g.positions, c: result.pointer, ldc: g.patchSize)
    return result.recorded("conv2dWeightGradient", [big, small]) { ctx in
        [
            ctx.needs(0) ? convolveTransposed(ctx.inputs[1], ctx.gradient, g) : nil,
            ctx.needs(1) ? convolve(ctx.inputs[0], ctx.gradient, g) : nil,
        ]
    }
}

/// 2-D convolution, PyTorch's Conv2d: input [N, C, H, W], weight [O, C, kh, kw],
/// optional bias [O]; output [N, O, (H + 2p - kh)/s + 1, (W + 2p - kw)/s + 1].
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) -> Tensor {
    guard x.rank == 4, weight.rank == 4, x.shape[1] == weight.shape[1] else {
        fatalError(shapeMismatch("conv2d", x.shape, weight.shape, expected: "input [N, C, H, W] and weight [O, C, kh, kw]"))
    }
    precondition(stride >= 1 && padding >= 0, "conv2d: stride \(stride) must be >= 1 and padding \(padding) >= 0")
    let (kh, kw) = (weight.shape[2], weight.shape[3])
    let outH = (x.shape[2] + 2 * padding - kh) / stride + 1
    let outW = (x.shape[3] + 2 * padding - kw) / stride + 1
    // Checked on the padded extents: with stride > 1 the division above rounds a small negative up to 0.
    guard x.shape[2] + 2 * padding >= kh, x.shape[3] + 2 * padding >= kw else {
        fatalError("conv2d: a \(kh)x\(kw) kernel does not fit input \(x.shape) with padding \(padding)")
    }
    let geometry = ConvGeometry(
        batch: x.shape[0], bigChannels: x.shape[1], smallChannels: weight.shape[0], kernelHeight: kh, kernelWidth: kw,
        stride: stride, padding: padding, bigHeight: x.shape[2], bigWidth: x.shape[3], smallHeight: outH, smallWidth: outW)
    return addingChannelBias(convolve(x, weight, geometry), bias)
}

/// Transposed 2-D convolution, PyTorch's ConvTranspose2d: input [N, C, H, W],
/// weight [C, O, kh, kw], optional bias [O]; output [N, O, (H-1)s - 2p + kh + outputPadding, ...].
public func convTranspose2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0
) -> Tensor {
    guard x.rank == 4, weight.rank == 4, x.shape[1] == weight.shape[0] else {
        fatalError(shapeMismatch("convTranspose2d", x.shape, weight.shape, expected: "input [N, C, H, W] and weight [C, O, kh, kw]"))
    }
    precondition(
        stride >= 1 && padding >= 0 && outputPadding >= 0 && outputPadding < stride,
        "convTranspose2d: need stride >= 1, padding >= 0 and 0 <= output padding < stride")
    let (kh, kw) = (weight.shape[2], weight.shape[3])
    let outH = (x.shape[2] - 1) * stride - 2 * padding + kh + outputPadding
    let outW = (x.shape[3] - 1) * stride - 2 * padding + kw + outputPadding
    guard outH >= 1, outW >= 1 else {
        fatalError("convTranspose2d: input \(x.shape) with a \(kh)x\(kw) kernel, stride \(stride) and padding \(padding) leaves an empty output")
    }
    let geometry = ConvGeometry(
        batch: x.shape[0], bigChannels: weight.shape[1], smallChannels: x.shape[1], kernelHeight: kh, kernelWidth: kw,
        stride: stride, padding: padding, bigHeight: outH, bigWidth: outW, smallHeight: x.shape[2], smallWidth: x.shape[3])
    return addingChannelBias(convolveTransposed(x, weight, geometry), bias)
}

private func addingChannelBias(_ y: Tensor, _ bias: Tensor?) -> Tensor {
    guard let bias else { return y }
    precondition(bias.shape == [y.shape[1]], shapeMismatch("conv bias", bias.shape, [y.shape[1]], expected: "one bias per output channel"))
    return y + bias.reshaped([1, y.shape[1], 1, 1])
}
