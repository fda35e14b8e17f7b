#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Tensor {
    /// Inverse hyperbolic sine, log(x + √(x² + 1)), elementwise. Its derivative
    /// 1/√(x² + 1) is written in ops, so it differentiates to any order.
    public func asinh() -> Tensor {
        Kernels.map(self) { asinhf($0) }.recorded("asinh", [self]) { ctx in
            [ctx.gradient / (ctx.inputs[0].square() + 1).sqrt()]
        }
    }
}
