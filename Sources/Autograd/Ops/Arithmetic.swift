// Elementwise arithmetic with NumPy broadcasting. The gradient of a broadcast
// operand is summed back to its own shape.

public func + (a: Tensor, b: Tensor) -> Tensor {
    Kernels.zip("add", a, b, +).recorded("add", [a, b]) { ctx in
        [
            ctx.needs(0) ? ctx.gradient.sum(toShape: ctx.inputs[0].shape) : nil,
            ctx.needs(1) ? ctx.gradient.sum(toShape: ctx.inputs[1].shape) : nil,
        ]
    }
}

public func - (a: Tensor, b: Tensor) -> Tensor {
    Kernels.zip("subtract", a, b, -).recorded("subtract", [a, b]) { ctx in
        [
            ctx.needs(0) ? ctx.gradient.sum(toShape: ctx.inputs[0].shape) : nil,
            ctx.needs(1) ? (-ctx.gradient).sum(toShape: ctx.inputs[1].shape) : nil,
        ]
    }
}

public func * (a: Tensor, b: Tensor) -> Tensor {
    Kernels.zip("multiply", a, b, *).recorded("multiply", [a, b]) { ctx in
        let (a, b) = (ctx.inputs[0], ctx.inputs[1])
        return [
            ctx.needs(0) ? (ctx.gradient * b).sum(toShape: a.shape) : nil,
            ctx.needs(1) ? (ctx.gradient * a).sum(toShape: b.shape) : nil,
        ]
    }
}

public func / (a: Tensor, b: Tensor) -> Tensor {
    Kernels.zip("divide", a, b, /).recorded("divide", [a, b]) { ctx in
        let (a, b) = (ctx.inputs[0], ctx.inputs[1])
        let gradientOverB = ctx.gradient / b
        // d(a/b)/db = -(a/b)/b, so the b gradient reuses g/b and the output.
        return [
            ctx.needs(0) ? gradientOverB.sum(toShape: a.shape) : nil,
            ctx.needs(1) ? (-(gradientOverB * ctx.output)).sum(toShape: b.shape) : nil,
        ]
    }
}

public prefix func - (x: Tensor) -> Tensor {
    Kernels.map(x) { -$0 }.recorded("negate", [x]) { ctx in [-ctx.gradient] }
}

// MARK: - With a scalar

public func * (x: Tensor, c: Float) -> Tensor {
    Kernels.map(x) { $0 * c }.recorded("scale", [x]) { ctx in [ctx.gradient * c] }
}

public func * (c: Float, x: Tensor) -> Tensor { x * c }

public func / (x: Tensor, c: Float) -> Tensor { x * (1 / c) }

public func + (x: Tensor, c: Float) -> Tensor {
    Kernels.map(x) { $0 + c }.recorded("shift", [x]) { ctx in [ctx.gradient] }
}

public func + (c: Float, x: Tensor) -> Tensor { x + c }

public func - (x: Tensor, c: Float) -> Tensor { x + (-c) }

public func - (c: Float, x: Tensor) -> Tensor { (-x) + c }

public func / (c: Float, x: Tensor) -> Tensor { Tensor(c) / x }
