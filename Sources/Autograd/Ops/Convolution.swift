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

    /// Unfolds images `images` of `big` ([N, C, H, W]) into `columns` ([patchSize,
    /// images.count · Ho · Wo]), zeros where padding. Index arithmetic wraps instead of
    /// trapping on overflow (extents are checked when the geometry is made), which lets
    /// the copies compile to tight loops.
    func unfold(_ big: UnsafePointer<Float>, images: Range<Int>, into columns: UnsafeMutablePointer<Float>) {
        let smallArea = smallHeight &* smallWidth
        let width = images.count &* smallArea
        let bigArea = bigHeight &* bigWidth
        let columnRanges = (0..<kernelWidth).map(validColumns)
        for c in 0..<bigChannels {
            for ki in 0..<kernelHeight {
                let (firstRow, endRow) = validRows(ki)
                for kj in 0..<kernelWidth {
                    let row = columns + ((c &* kernelHeight &+ ki) &* kernelWidth &+ kj) &* width
                    let (first, end) = columnRanges[kj]
                    let shift = kj &- padding
                    for n in images {
                        let image = big + (n &* bigChannels &+ c) &* bigArea
                        let out = row + (n &- images.lowerBound) &* smallArea
                        if firstRow > 0 { out.update(repeating: 0, count: firstRow &* smallWidth) }
                        if endRow < smallHeight { (out + endRow &* smallWidth).update(repeating: 0, count: (smallHeight &- endRow) &* smallWidth) }
                        for oh in firstRow..<endRow {
                            let dst = out + oh &* smallWidth
                            let source = image + (oh &* stride &- padding &+ ki) &* bigWidth
                            if first > 0 { dst.update(repeating: 0, count: first) }
                            if end < smallWidth { (dst + end).update(repeating: 0, count: smallWidth &- end) }
                            copyRow(from: source, shift: shift, into: dst, first, end)
                        }
                    }
                }
            }
        }
    }

    /// dst[ow] = source[ow·stride + shift] for ow in first..<end.
    @inline(__always)
    private func copyRow(from source: UnsafePointer<Float>, shift: Int, into dst: UnsafeMutablePointer<Float>, _ first: Int, _ end: Int) {
        guard end > first else { return }
        switch stride {
        case 1:
            (dst + first).update(from: source + (first &+ shift), count: end &- first)
        case 2:
            let s = source + shift
            var ow = first
            while ow < end {
                dst[ow] = s[ow &* 2]
                ow &+= 1
            }
        default:
            let s = source + shift
            var ow = first
            while ow < end {
                dst[ow] = s[ow &* stride]
                ow &+= 1
            }
        }
    }

    /// Adds `columns` ([patchSize, images.count · Ho · Wo]) onto images `images` of `big`
    /// (the adjoint of `unfold`), which the caller has filled with zeros or a starting value.
    func fold(_ columns: UnsafePointer<Float>, images: Range<Int>, into big: UnsafeMutablePointer<Float>) {
        let smallArea = smallHeight &* smallWidth
        let width = images.count &* smallArea
        let bigArea = bigHeight &* bigWidth
        let columnRanges = (0..<kernelWidth).map(validColumns)
        for c in 0..<bigChannels {
            for ki in 0..<kernelHeight {
                let (firstRow, endRow) = validRows(ki)
                for kj in 0..<kernelWidth {
                    let row = columns + ((c &* kernelHeight &+ ki) &* kernelWidth &+ kj) &* width
                    let (first, end) = columnRanges[kj]
                    guard end > first else { continue }
                    let shift = kj &- padding
                    for n in images {
                        let image = big + (n &* bigChannels &+ c) &* bigArea
                        let source = row + (n &- images.lowerBound) &* smallArea
                        for oh in firstRow..<endRow {
                            let dst = image + (oh &* stride &- padding &+ ki) &* bigWidth + shift
                            let src = source + oh &* smallWidth
                            var ow = first
                            while ow < end {
                                dst[ow &* stride] += src[ow]
                                ow &+= 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// Consecutive image ranges whose unfolded columns take about 4 MiB each: small
    /// enough to stay in cache between the unfold and the GEMM that reads them, large
    /// enough for an efficient GEMM; also bounds the memory a convolution needs.
    var imageChunks: [Range<Int>] {
        let perImage = Swift.max(1, patchSize * smallHeight * smallWidth)
        let size = Swift.max(1, Swift.min(batch, (1 << 20) / perImage))
        return Swift.stride(from: 0, to: batch, by: size).map { $0..<Swift.min($0 + size, batch) }
    }

    /// The small-image columns ow whose big-image column ow*stride - padding + kj is inside the image.
    private func validColumns(_ kj: Int) -> (Int, Int) {
        validRange(offset: kj, smallExtent: smallWidth, bigExtent: bigWidth)
    }

    /// The small-image rows oh whose big-image row oh*stride - padding + ki is inside the image.
    private func validRows(_ ki: Int) -> (Int, Int) {
        validRange(offset: ki, smallExtent: smallHeight, bigExtent: bigHeight)
    }

    private func validRange(offset: Int, smallExtent: Int, bigExtent: Int) -> (Int, Int) {
        // o*stride - padding + offset >= 0  and  < bigExtent
        let low = padding - offset
        let first = low <= 0 ? 0 : (low + stride - 1) / stride
        let high = bigExtent + padding - offset  // exclusive bound on o*stride
        let end = high <= 0 ? 0 : Swift.min(smallExtent, (high + stride - 1) / stride)
        return (Swift.min(first, end), end)
    }
}

/// [N, C, P] <-> [C, N, P] (channel-major matrices for GEMM, and back), optionally
/// adding `bias[i]` to every value of leading index i on the way.
private func swapLeadingAxes(
    _ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, _ a: Int, _ b: Int, _ inner: Int,
    adding bias: UnsafePointer<Float>? = nil
) {
    for i in 0..<a {
        for j in 0..<b {
            let from = source + (i * b + j) * inner
            let to = destination + (j * a + i) * inner
            if let bias {
                let value = bias[i]
                VectorLoop.apply(inner, from, into: to, { $0 + value }, { $0 + value })
            } else {
                to.update(from: from, count: inner)
            }
        }
    }
}

/// The gradient of a per-channel bias [C] from the gradient of [N, C, H, W].
private func channelBiasGradient(_ gradient: Tensor) -> Tensor {
    gradient.sum(toShape: [1, gradient.shape[1], 1, 1]).reshaped([gradient.shape[1]])
}

/// Convolution of a big image into a small one: [N, C, H, W] -> [N, O, Ho, Wo], plus an
/// optional bias [O] added as the result is laid out.
func convolve(_ big: Tensor, _ weight: Tensor, _ g: ConvGeometry, bias: Tensor? = nil) -> Tensor {
    let area = g.smallHeight * g.smallWidth
    let chunks = g.imageChunks
    let channelMajor = Tensor(uninitializedShape: [g.smallChannels, g.positions])
    let columns = Tensor(uninitializedShape: [g.patchSize * chunks[0].count * area])
    for images in chunks {
        let width = images.count * area
        g.unfold(big.pointer, images: images, into: columns.pointer)
        BLAS.gemm(
            transposeA: false, transposeB: false, m: g.smallChannels, n: width, k: g.patchSize, a: weight.pointer,
            lda: g.patchSize, b: columns.pointer, ldb: width, c: channelMajor.pointer + images.lowerBound * area, ldc: g.positions)
    }
    let result = Tensor(uninitializedShape: g.smallShape)
    swapLeadingAxes(channelMajor.pointer, into: result.pointer, g.smallChannels, g.batch, area, adding: bias?.pointer)
    return result.recorded("conv2d", [big, weight] + (bias.map { [$0] } ?? [])) { ctx in
        [
            ctx.needs(0) ? convolveTransposed(ctx.gradient, ctx.inputs[1], g) : nil,
            ctx.needs(1) ? convolutionWeightGradient(ctx.inputs[0], ctx.gradient, g) : nil,
        ] + (ctx.inputs.count == 3 ? [ctx.needs(2) ? channelBiasGradient(ctx.gradient) : nil] : [])
    }
}

/// Transposed convolution of a small image into a big one: [N, O, Ho, Wo] -> [N, C, H, W],
/// plus an optional bias [C] the result starts from before the columns are folded onto it.
func convolveTransposed(_ small: Tensor, _ weight: Tensor, _ g: ConvGeometry, bias: Tensor? = nil) -> Tensor {
    let area = g.smallHeight * g.smallWidth
    let chunks = g.imageChunks
    let channelMajor = Tensor(uninitializedShape: [g.smallChannels, g.positions])
    swapLeadingAxes(small.pointer, into: channelMajor.pointer, g.batch, g.smallChannels, area)
    let columns = Tensor(uninitializedShape: [g.patchSize * chunks[0].count * area])
    let result: Tensor
    if let bias {
        result = Tensor(uninitializedShape: g.bigShape)
        let plane = g.bigHeight * g.bigWidth
        for n in 0..<g.batch {
            for c in 0..<g.bigChannels { (result.pointer + (n * g.bigChannels + c) * plane).update(repeating: bias.pointer[c], count: plane) }
        }
    } else {
        result = Tensor(repeating: 0, shape: g.bigShape)
    }
    for images in chunks {
        let width = images.count * area
        BLAS.gemm(
            transposeA: true, transposeB: false, m: g.patchSize, n: width, k: g.smallChannels, a: weight.pointer,
            lda: g.patchSize, b: channelMajor.pointer + images.lowerBound * area, ldb: g.positions, c: columns.pointer, ldc: width)
        g.fold(columns.pointer, images: images, into: result.pointer)
    }
    return result.recorded("convTranspose2d", [small, weight] + (bias.map { [$0] } ?? [])) { ctx in
        [
            ctx.needs(0) ? convolve(ctx.gradient, ctx.inputs[1], g) : nil,
            ctx.needs(1) ? convolutionWeightGradient(ctx.gradient, ctx.inputs[0], g) : nil,
        ] + (ctx.inputs.count == 3 ? [ctx.needs(2) ? channelBiasGradient(ctx.gradient) : nil] : [])
    }
}

/// The weight gradient of a convolution: sum over positions of small-side values
/// times big-side patches, [O, C, kh, kw]. Bilinear in its two inputs.
func convolutionWeightGradient(_ big: Tensor, _ small: Tensor, _ g: ConvGeometry) -> Tensor {
    let area = g.smallHeight * g.smallWidth
    let chunks = g.imageChunks
    let channelMajor = Tensor(uninitializedShape: [g.smallChannels, g.positions])
    swapLeadingAxes(small.pointer, into: channelMajor.pointer, g.batch, g.smallChannels, area)
    let columns = Tensor(uninitializedShape: [g.patchSize * chunks[0].count * area])
    let result = Tensor(uninitializedShape: g.weightShape)
    for (index, images) in chunks.enumerated() {
        let width = images.count * area
        g.unfold(big.pointer, images: images, into: columns.pointer)
        BLAS.gemm(
            transposeA: false, transposeB: true, m: g.smallChannels, n: g.patchSize, k: width,
            a: channelMajor.pointer + images.lowerBound * area, lda: g.positions, b: columns.pointer, ldb: width,
            beta: index == 0 ? 0 : 1, c: result.pointer, ldc: g.patchSize)
    }
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
    checkChannelBias(bias, channels: weight.shape[0], op: "conv2d")
    return convolve(x, weight, geometry, bias: bias)
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
    checkChannelBias(bias, channels: weight.shape[1], op: "convTranspose2d")
    return convolveTransposed(x, weight, geometry, bias: bias)
}

private func checkChannelBias(_ bias: Tensor?, channels: Int, op: String) {
    guard let bias else { return }
    precondition(bias.shape == [channels], shapeMismatch("\(op) bias", bias.shape, [channels], expected: "one bias per output channel"))
}
