extension Tensor {
    /// The Euclidean norm along `axis` (e.g. each sample's gradient norm in a
    /// gradient penalty). Where the norm is 0 the gradient is taken as 0.
    public func norm(axis: Int, keepDims: Bool = false) -> Tensor {
        let axis = normalizedAxes([axis], op: "norm").first!
        var kept = shape
        kept[axis] = 1
        let squares = withoutGradients { Kernels.map(self) { $0 * $0 } }
        let norms = Kernels.map(Kernels.sum(squares, to: kept)) { $0.squareRoot() }
        let result = norms.recorded("norm", [self]) { ctx in
            // d|x|/dx = x / |x|: scale each x by g / |x| (0 where |x| is 0).
            [ctx.inputs[0] * ctx.gradient.safelyDivided(by: ctx.output)]
        }
        if keepDims { return result }
        var reduced = shape
        reduced.remove(at: axis)
        return result.reshaped(reduced)
    }

    /// self / divisor elementwise (same shape), with 0 where the divisor is 0.
    func safelyDivided(by divisor: Tensor) -> Tensor {
        Kernels.zip("safelyDivided", self, divisor) { $1 == 0 ? 0 : $0 / $1 }.recorded("safelyDivided", [self, divisor]) { ctx in
            let gradientOverDivisor = ctx.gradient.safelyDivided(by: ctx.inputs[1])
            return [
                ctx.needs(0) ? gradientOverDivisor : nil,
                ctx.needs(1) ? -(gradientOverDivisor * ctx.output) : nil,
            ]
        }
    }
}
