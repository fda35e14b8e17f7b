import CDNNL

/// A convolution's weight gradient in native bf16 as matrix products on oneDNN's bf16
/// matmul (float32 sums): the big images are reordered to channel-last bf16, the small
/// side to channel-major bf16 [O, N·Ho·Wo]; then for each kernel row, the images are
/// unfolded with one row per small-image position (whole channel vectors, so the unfold
/// copies contiguous runs) and multiplied into that row's columns of the product [O,
/// (kh, kw, C)], which is finally reordered into Tandem's [O, C, kh, kw]. A kernel row
/// at a time keeps the unfolded matrix a fifth of its whole size. On the deep DCGAN
/// layers this beats oneDNN 2.6's direct bf16 backward-weights kernels (BENCHMARKS.md,
/// "Weight gradients as bf16 products").
final class DNNLLoweredWeightGradient {
    private let geometry: ConvGeometry
    /// Big [N, C, H, W] float32 -> [N, H, W, C] bf16.
    private let channelLast: DNNLReorder
    /// Small [N, O, Ho·Wo] float32 -> [O, N, Ho·Wo] bf16.
    private let channelMajor: DNNLReorder
    /// The product [O, kh, kw, C] float32 -> [O, C, kh, kw].
    private let weightOrder: DNNLReorder
    /// One kernel row's product: [O, N·Ho·Wo] x [N·Ho·Wo, kw·C] into columns of [O, kh·kw·C].
    private let product: DNNLMatmul

    private init(_ g: ConvGeometry, _ channelLast: DNNLReorder, _ channelMajor: DNNLReorder, _ weightOrder: DNNLReorder, _ product: DNNLMatmul) {
        (geometry, self.channelLast, self.channelMajor, self.weightOrder, self.product) = (g, channelLast, channelMajor, weightOrder, product)
    }

    /// The pieces for `g`, or nil when oneDNN lacks one of them or has no fast bf16 product.
    static func make(_ g: ConvGeometry, context: DNNLContext, engine: dnnl_engine_t) -> DNNLLoweredWeightGradient? {
        let area = g.smallHeight * g.smallWidth
        let rowLength = g.kernelWidth * g.bigChannels
        let key = MatmulKey(
            transposeA: false, transposeB: false, m: g.smallChannels, n: rowLength, k: g.positions, lda: g.positions, ldb: rowLength,
            ldc: g.patchSize, accumulates: false, bf16Inputs: true)
        guard let bigPlain = dnnl_memory_desc_t.make(g.bigShape, dnnl_f32, dnnl_nchw),
            let bigChannelLast = dnnl_memory_desc_t.make(g.bigShape, dnnl_bf16, dnnl_nhwc),
            let smallPlain = dnnl_memory_desc_t.make([g.batch, g.smallChannels, area], dnnl_f32, dnnl_abc),
            let smallChannelMajor = dnnl_memory_desc_t.make([g.batch, g.smallChannels, area], dnnl_bf16, dnnl_bac),
            let productOrder = dnnl_memory_desc_t.make(g.weightShape, dnnl_f32, dnnl_acdb),
            let weightPlain = dnnl_memory_desc_t.make(g.weightShape, dnnl_f32, dnnl_oihw),
            let channelLast = DNNLReorder(from: bigPlain, to: bigChannelLast, engine: engine),
            let channelMajor = DNNLReorder(from: smallPlain, to: smallChannelMajor, engine: engine),
            let weightOrder = DNNLReorder(from: productOrder, to: weightPlain, engine: engine),
            let product = context.matmul(key)
        else { return nil }
        return DNNLLoweredWeightGradient(g, channelLast, channelMajor, weightOrder, product)
    }

    /// The weight gradient [O, C, kh, kw] of `big` [N, C, H, W] and `small` [N, O, Ho, Wo]
    /// (float32) into `output`; false when oneDNN failed.
    func run(big: UnsafePointer<Float>, small: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>, context: DNNLContext) -> Bool {
        let g = geometry
        let stream = context.stream
        let rowLength = g.kernelWidth * g.bigChannels
        // The context's scratch block holds, 64-byte aligned: the channel-last images, the
        // channel-major small side, one kernel row's unfolded images, and the product.
        let sizes = [channelLast.destinationBytes, channelMajor.destinationBytes, 2 * g.positions * rowLength, 4 * g.smallChannels * g.patchSize]
        let offsets = sizes.reduce(into: [0]) { $0.append($0.last! + ($1 + 63) / 64 * 64) }
        let base = context.loweringScratch.reserve(offsets.last!)
        let (images, smallSide, rows) = (base + offsets[0], base + offsets[1], base + offsets[2])
        let result = (base + offsets[3]).bindMemory(to: Float.self, capacity: g.smallChannels * g.patchSize)
        guard channelLast.run(big, into: images, stream: stream), channelMajor.run(small, into: smallSide, stream: stream) else { return false }
        let channelLastImages = UnsafePointer(images.assumingMemoryBound(to: UInt16.self))
        let unfolded = rows.assumingMemoryBound(to: UInt16.self)
        for ki in 0..<g.kernelHeight {
            g.unfoldChannelLast(channelLastImages, kernelRow: ki, into: unfolded)
            guard product.run(a: smallSide, b: rows, c: result + ki * rowLength, context: context) else { return false }
        }
        return weightOrder.run(result, into: output, stream: stream)
    }
}

extension DNNLContext {
    /// The lowered bf16 weight gradient for `g`, made on first use; nil when oneDNN cannot make it.
    func loweredWeightGradient(_ g: ConvGeometry) -> DNNLLoweredWeightGradient? {
        loweredWeightGradients.primitive(for: g) { DNNL.engine.flatMap { DNNLLoweredWeightGradient.make(g, context: self, engine: $0) } }
    }
}
