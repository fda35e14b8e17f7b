extension Tensor {
    /// 1 where this tensor is greater than `threshold`, 0 elsewhere; a constant (no gradient).
    public func greater(than threshold: Float) -> Tensor {
        withoutGradients { Kernels.map(self) { $0 > threshold ? 1 : 0 } }
    }

    /// 1 where this tensor is at least `other` (same shape), 0 elsewhere; a constant.
    public func greaterOrEqual(_ other: Tensor) -> Tensor {
        withoutGradients { Kernels.zip("greaterOrEqual", self, other) { $0 >= $1 ? 1 : 0 } }
    }
}

/// `a` where `mask` is positive, `b` elsewhere (all three the same shape). The mask is a constant.
public func select(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.shape == b.shape && mask.shape == a.shape, "select: shapes \(mask.shape), \(a.shape) and \(b.shape) must be equal")
    return Kernels.zip3(mask, a, b) { $0 > 0 ? $1 : $2 }.recorded("select", [a, b]) { ctx in
        [
            ctx.needs(0) ? ctx.gradient.gated(by: mask, .positive, op: "selectBackward") : nil,
            ctx.needs(1) ? ctx.gradient.gated(by: mask, .nonPositive, op: "selectBackward") : nil,
        ]
    }
}

/// The elementwise larger of `a` and `b` (same shape); ties send the gradient to `a`.
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.shape == b.shape, shapeMismatch("maximum", a.shape, b.shape, expected: "equal shapes"))
    return select(a.greaterOrEqual(b), a, b)
}

/// The elementwise smaller of `a` and `b` (same shape); ties send the gradient to `a`.
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.shape == b.shape, shapeMismatch("minimum", a.shape, b.shape, expected: "equal shapes"))
    return select(b.greaterOrEqual(a), a, b)
}
