extension Tensor {
    /// The sum of all elements, as a scalar (shape `[]`).
    public func sum() -> Tensor {
        Kernels.sum(self, to: []).recorded("sum", [self]) { ctx in
            [ctx.gradient.broadcast(to: ctx.inputs[0].shape)]
        }
    }

    /// Sums over `axes` (negative axes count from the end); keeps them as extent 1 when `keepDims`.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let axes = normalizedAxes(axes, op: "sum(axes:)")
        let kept = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        let summed = sum(toShape: kept)
        return keepDims ? summed : summed.reshaped(shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
    }

    /// The mean of all elements, as a scalar.
    public func mean() -> Tensor {
        sum() * (1 / Float(Swift.max(count, 1)))
    }

    /// Means over `axes`; keeps them as extent 1 when `keepDims`.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let axes = normalizedAxes(axes, op: "mean(axes:)")
        let n = axes.reduce(1) { $0 * shape[$1] }
        return sum(axes: Array(axes), keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    /// Axes as non-negative indices, checked against this tensor's rank.
    func normalizedAxes(_ axes: [Int], op: String) -> Set<Int> {
        Set(
            axes.map { axis in
                let resolved = axis < 0 ? axis + rank : axis
                guard (0..<rank).contains(resolved) else {
                    fatalError("\(op): axis \(axis) is out of range for shape \(shape)")
                }
                return resolved
            })
    }
}
