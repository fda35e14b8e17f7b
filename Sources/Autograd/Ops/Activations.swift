#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Tensor {
    public func relu() -> Tensor {
        let input = self
        let result = Tensor(uninitializedShape: shape)
        VectorLoop.apply(count, pointer, into: result.pointer, { $0.replacing(with: 0, where: $0 .< 0) }, { $0 < 0 ? 0 : $0 })
        return result.recorded("relu", [self]) { ctx in
            [ctx.gradient.gated(by: input, .positive, op: "reluBackward")]
        }
    }

    /// x for x > 0, slope * x otherwise.
    public func leakyReLU(slope: Float = 0.01) -> Tensor {
        let input = self
        let result = Tensor(uninitializedShape: shape)
        VectorLoop.apply(count, pointer, into: result.pointer, { ($0 * slope).replacing(with: $0, where: $0 .> 0) }, { $0 > 0 ? $0 : $0 * slope })
        return result.recorded("leakyReLU", [self]) { ctx in
            [ctx.gradient.gated(by: input, .leaky(slope: slope), op: "leakyReLUBackward")]
        }
    }

    /// x for x > 0, alpha * (exp(x) - 1) otherwise.
    public func elu(alpha: Float = 1) -> Tensor {
        let input = self
        return Kernels.map(self) { $0 > 0 ? $0 : alpha * (expf($0) - 1) }.recorded("elu", [self]) { ctx in
            // For x <= 0 the derivative is alpha * exp(x) = y + alpha, written with the output so it differentiates again.
            let negativeSide = (ctx.gradient * (ctx.output + alpha)).gated(by: input, .nonPositive, op: "eluBackward")
            return [ctx.gradient.gated(by: input, .positive, op: "eluBackward") + negativeSide]
        }
    }

    public func tanh() -> Tensor {
        Kernels.map(self) { tanhf($0) }.recorded("tanh", [self]) { ctx in
            [ctx.gradient * (1 - ctx.output.square())]
        }
    }

    public func sigmoid() -> Tensor {
        Kernels.map(self, stableSigmoid).recorded("sigmoid", [self]) { ctx in
            [ctx.gradient * ctx.output * (1 - ctx.output)]
        }
    }

    /// log(1 + exp(x)), computed without overflow.
    public func softplus() -> Tensor {
        Kernels.map(self) { Swift.max($0, 0) + log1pf(expf(-Swift.abs($0))) }.recorded("softplus", [self]) { ctx in
            [ctx.gradient * ctx.inputs[0].sigmoid()]
        }
    }

    /// log(sigmoid(x)) = -softplus(-x), computed without overflow.
    public func logSigmoid() -> Tensor {
        Kernels.map(self) { Swift.min($0, 0) - log1pf(expf(-Swift.abs($0))) }.recorded("logSigmoid", [self]) { ctx in
            [ctx.gradient * (-ctx.inputs[0]).sigmoid()]
        }
    }
}

@inline(__always)
func stableSigmoid(_ x: Float) -> Float {
    if x >= 0 { return 1 / (1 + expf(-x)) }
    let e = expf(x)
    return e / (1 + e)
}
