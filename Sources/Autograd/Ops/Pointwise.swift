#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Tensor {
    public func exp() -> Tensor {
        Kernels.map(self) { expf($0) }.recorded("exp", [self]) { ctx in [ctx.gradient * ctx.output] }
    }

    /// Natural logarithm.
    public func log() -> Tensor {
        Kernels.map(self) { logf($0) }.recorded("log", [self]) { ctx in [ctx.gradient / ctx.inputs[0]] }
    }

    public func sqrt() -> Tensor {
        Kernels.map(self) { sqrtf($0) }.recorded("sqrt", [self]) { ctx in [(ctx.gradient / ctx.output) * 0.5] }
    }

    public func square() -> Tensor {
        Kernels.map(self) { $0 * $0 }.recorded("square", [self]) { ctx in [ctx.gradient * ctx.inputs[0] * 2] }
    }

    /// Each element raised to `exponent`.
    public func pow(_ exponent: Float) -> Tensor {
        Kernels.map(self) { powf($0, exponent) }.recorded("pow", [self]) { ctx in
            [ctx.gradient * ctx.inputs[0].pow(exponent - 1) * exponent]
        }
    }

    public func abs() -> Tensor {
        let input = self
        return Kernels.map(self) { Swift.abs($0) }.recorded("abs", [self]) { ctx in
            [ctx.gradient.gated(by: input, .sign, op: "absBackward")]
        }
    }

    /// Limits each element to [lower, upper]; the gradient passes inside the range (bounds included).
    public func clamped(to lower: Float, _ upper: Float) -> Tensor {
        precondition(lower <= upper, "clamped(to:): lower bound \(lower) exceeds upper bound \(upper)")
        let input = self
        return Kernels.map(self) { Swift.min(Swift.max($0, lower), upper) }.recorded("clamp", [self]) { ctx in
            [ctx.gradient.gated(by: input, .inside(lower: lower, upper: upper), op: "clampBackward")]
        }
    }
}
