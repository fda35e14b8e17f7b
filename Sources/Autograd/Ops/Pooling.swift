extension Tensor {
    /// Averages non-overlapping `factor` x `factor` windows of [N, C, H, W] (H and W divisible by factor).
    public func averagePooled(_ factor: Int) -> Tensor {
        precondition(
            rank == 4 && factor >= 1 && shape[2] % factor == 0 && shape[3] % factor == 0,
            "averagePooled: shape \(shape) is not [N, C, H, W] with H and W divisible by \(factor)")
        let (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3])
        let (oh, ow) = (h / factor, w / factor)
        let result = Tensor.zeros([shape[0], shape[1], oh, ow])
        let scale = 1 / Float(factor * factor)
        for p in 0..<planes {
            let src = pointer + p * h * w
            let dst = result.pointer + p * oh * ow
            for y in 0..<h {
                let row = dst + (y / factor) * ow
                for x in 0..<w { row[x / factor] += src[y * w + x] * scale }
            }
        }
        return result.recorded("averagePool", [self]) { ctx in
            [ctx.gradient.upsampledNearest(factor) * scale]
        }
    }

    /// Repeats each pixel of [N, C, H, W] into a `factor` x `factor` block.
    public func upsampledNearest(_ factor: Int) -> Tensor {
        precondition(rank == 4 && factor >= 1, "upsampledNearest: shape \(shape) is not [N, C, H, W]")
        let (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3])
        let (oh, ow) = (h * factor, w * factor)
        let result = Tensor(uninitializedShape: [shape[0], shape[1], oh, ow])
        for p in 0..<planes {
            let src = pointer + p * h * w
            let dst = result.pointer + p * oh * ow
            for y in 0..<oh {
                let row = src + (y / factor) * w
                for x in 0..<ow { dst[y * ow + x] = row[x / factor] }
            }
        }
        return result.recorded("upsampleNearest", [self]) { ctx in
            [ctx.gradient.averagePooled(factor) * Float(factor * factor)]
        }
    }
}
