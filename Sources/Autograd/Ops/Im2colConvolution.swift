/// Tandem's own convolution kernels: each primitive lowers to OpenBLAS sgemm over
/// unfolded (im2col) images, a chunk of images at a time so the unfolded columns stay
/// in cache. Values only: the ops in Convolution.swift record the graph.
enum Im2colConvolution {
    /// big [N, C, H, W] ⋆ weight [O, C, kh, kw] -> small [N, O, Ho, Wo], plus `bias` [O].
    static func convolve(_ big: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, _ g: ConvGeometry)
        -> Tensor
    {
        let area = g.smallHeight * g.smallWidth
        let chunks = g.imageChunks
        let channelMajor = Tensor(uninitializedShape: [g.smallChannels, g.positions])
        let columns = Tensor(uninitializedShape: [g.patchSize * chunks[0].count * area])
        for images in chunks {
            let width = images.count * area
            g.unfold(big, images: images, into: columns.pointer)
            BLAS.gemm(
                transposeA: false, transposeB: false, m: g.smallChannels, n: width, k: g.patchSize, a: weight,
                lda: g.patchSize, b: columns.pointer, ldb: width, c: channelMajor.pointer + images.lowerBound * area, ldc: g.positions)
        }
        let result = Tensor(uninitializedShape: g.smallShape)
        swapLeadingAxes(channelMajor.pointer, into: result.pointer, g.smallChannels, g.batch, area, adding: bias)
        return result
    }

    /// small [N, O, Ho, Wo] -> big [N, C, H, W] (the adjoint of `convolve`), starting from `bias` [C].
    static func convolveTransposed(
        _ small: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, _ g: ConvGeometry
    ) -> Tensor {
        let area = g.smallHeight * g.smallWidth
        let chunks = g.imageChunks
        let channelMajor = Tensor(uninitializedShape: [g.smallChannels, g.positions])
        swapLeadingAxes(small, into: channelMajor.pointer, g.batch, g.smallChannels, area)
        let columns = Tensor(uninitializedShape: [g.patchSize * chunks[0].count * area])
        let result: Tensor
        if let bias {
            result = Tensor(uninitializedShape: g.bigShape)
            let plane = g.bigHeight * g.bigWidth
            for n in 0..<g.batch {
                for c in 0..<g.bigChannels { (result.pointer + (n * g.bigChannels + c) * plane).update(repeating: bias[c], count: plane) }
            }
        } else {
            result = Tensor(repeating: 0, shape: g.bigShape)
        }
        for images in chunks {
            let width = images.count * area
            BLAS.gemm(
                transposeA: true, transposeB: false, m: g.patchSize, n: width, k: g.smallChannels, a: weight,
                lda: g.patchSize, b: channelMajor.pointer + images.lowerBound * area, ldb: g.positions, c: columns.pointer, ldc: width)
            g.fold(columns.pointer, images: images, into: result.pointer)
        }
        return result
    }

    /// Σ over positions of small-side values times big-side patches: [O, C, kh, kw].
    static func weightGradient(_ big: UnsafePointer<Float>, _ small: UnsafePointer<Float>, _ g: ConvGeometry) -> Tensor {
        let area = g.smallHeight * g.smallWidth
        let chunks = g.imageChunks
        let channelMajor = Tensor(uninitializedShape: [g.smallChannels, g.positions])
        swapLeadingAxes(small, into: channelMajor.pointer, g.batch, g.smallChannels, area)
        let columns = Tensor(uninitializedShape: [g.patchSize * chunks[0].count * area])
        let result = Tensor(uninitializedShape: g.weightShape)
        for (index, images) in chunks.enumerated() {
            let width = images.count * area
            g.unfold(big, images: images, into: columns.pointer)
            BLAS.gemm(
                transposeA: false, transposeB: true, m: g.smallChannels, n: g.patchSize, k: width,
                a: channelMajor.pointer + images.lowerBound * area, lda: g.positions, b: columns.pointer, ldb: width,
                beta: index == 0 ? 0 : 1, c: result.pointer, ldc: g.patchSize)
        }
        return result
    }

    /// [N, C, P] <-> [C, N, P] (channel-major matrices for GEMM, and back), optionally
    /// adding `bias[i]` to every value of leading index i on the way.
    private static func swapLeadingAxes(
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
}
