/// The two sides of a 2-D convolution: the "big" image (the input of a
/// convolution, the output of a transposed one) and the "small" one. One
/// geometry serves all three primitives (convolve, transposed convolve, weight
/// gradient), which are each other's adjoints; its unfold and fold are the im2col
/// lowering of Tandem's own kernels.
struct ConvGeometry: Hashable {
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
    /// Multiply-adds of any of the three primitives, times two: the FLOPs of the equivalent GEMM.
    var flops: Int { 2 * smallChannels * positions * patchSize }
    /// Padding past the bottom and right edges that makes the geometry exact: the last
    /// small-image row reads big rows up to (smallHeight − 1)·stride − padding + kh − 1.
    var trailingPadding: (rows: Int, columns: Int) {
        ((smallHeight - 1) * stride + kernelHeight - bigHeight - padding, (smallWidth - 1) * stride + kernelWidth - bigWidth - padding)
    }

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

    /// Unfolds kernel row `ki` of channel-last images `big` ([N, H, W, C] of 16-bit values)
    /// into `rows` ([N·Ho·Wo, kw·C]): one row per small-image position holding the (kernel
    /// column, channel) part of its patch, zeros where padding. The columns inside the image
    /// are one contiguous run of `big`, copied at once.
    func unfoldChannelLast(_ big: UnsafePointer<UInt16>, kernelRow ki: Int, into rows: UnsafeMutablePointer<UInt16>) {
        let channels = bigChannels
        let rowLength = kernelWidth &* channels
        var out = rows
        for n in 0..<batch {
            let image = big + n &* bigHeight &* bigWidth &* channels
            for oh in 0..<smallHeight {
                let ih = oh &* stride &- padding &+ ki
                guard ih >= 0, ih < bigHeight else {
                    out.update(repeating: 0, count: smallWidth &* rowLength)
                    out += smallWidth &* rowLength
                    continue
                }
                let line = image + ih &* bigWidth &* channels
                for ow in 0..<smallWidth {
                    let left = ow &* stride &- padding
                    let first = Swift.max(0, -left)
                    let end = Swift.max(first, Swift.min(kernelWidth, bigWidth &- left))
                    if first > 0 { out.update(repeating: 0, count: first &* channels) }
                    if end > first { (out + first &* channels).update(from: line + (left &+ first) &* channels, count: (end &- first) &* channels) }
                    if end < kernelWidth { (out + end &* channels).update(repeating: 0, count: (kernelWidth &- end) &* channels) }
                    out += rowLength
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
