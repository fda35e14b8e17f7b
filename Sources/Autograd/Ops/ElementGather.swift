extension Tensor {
    /// A tensor of `shape` whose element k is this tensor's element `sources[k]` (flat,
    /// row-major), or 0 where `sources[k]` is negative: index permutations with zero fill
    /// (flips, quarter turns, integer shifts, masks). Sources may repeat. The backward
    /// rule adds each output gradient back into its source (`scatteringElements`).
    public func gatheringElements(_ sources: [Int], shape: [Int]) -> Tensor {
        precondition(sources.count == Tensor.elementCount(shape), "gatheringElements: \(sources.count) sources for shape \(shape)")
        let result = Tensor(uninitializedShape: shape)
        let (src, dst, n) = (pointer, result.pointer, count)
        sources.withUnsafeBufferPointer { map in
            for k in 0..<map.count {
                let from = map[k]
                precondition(from < n, "gatheringElements: source \(from) outside \(n) elements")
                dst[k] = from >= 0 ? src[from] : 0
            }
        }
        let inputShape = self.shape
        return result.recorded("gatherElements", [self]) { ctx in
            [ctx.gradient.scatteringElements(sources, shape: inputShape)]
        }
    }

    /// Zeros of `shape` with element k of this tensor added into element `sources[k]`
    /// (skipped where negative): the adjoint of `gatheringElements`, whose own adjoint
    /// is that gather again, so both differentiate to any order.
    func scatteringElements(_ sources: [Int], shape: [Int]) -> Tensor {
        let result = Tensor.zeros(shape)
        let (src, dst) = (pointer, result.pointer)
        sources.withUnsafeBufferPointer { map in
            for k in 0..<map.count where map[k] >= 0 { dst[map[k]] += src[k] }
        }
        let outputShape = self.shape
        return result.recorded("scatterElements", [self]) { ctx in
            [ctx.gradient.gatheringElements(sources, shape: outputShape)]
        }
    }
}
