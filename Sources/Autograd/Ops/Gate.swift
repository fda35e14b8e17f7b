/// Which elements of a gradient pass, and with what factor, as a function of a
/// saved tensor that is not differentiated (ReLU's input, a mask). The gated
/// gradient is linear in the gradient, so its own backward is the same gate.
enum Gate {
    /// Passes where the key is > 0.
    case positive
    /// Passes where the key is <= 0.
    case nonPositive
    /// Passes where the key is > 0, scales by `slope` elsewhere.
    case leaky(slope: Float)
    /// Passes where lower <= key <= upper.
    case inside(lower: Float, upper: Float)
    /// Multiplies by the key's sign (-1, 0, 1).
    case sign
}

extension Tensor {
    /// This gradient gated elementwise by `key` (same shape).
    func gated(by key: Tensor, _ gate: Gate, op: String) -> Tensor {
        precondition(key.shape == shape, shapeMismatch(op, shape, key.shape, expected: "equal shapes"))
        let result = Tensor(uninitializedShape: shape)
        let g = pointer, k = key.pointer, out = result.pointer
        typealias V = VectorLoop.Vector
        switch gate {
        case .positive:
            VectorLoop.apply(count, g, k, into: out, { g, k in V(repeating: 0).replacing(with: g, where: k .> 0) }, { $1 > 0 ? $0 : 0 })
        case .nonPositive:
            VectorLoop.apply(count, g, k, into: out, { g, k in g.replacing(with: 0, where: k .> 0) }, { $1 > 0 ? 0 : $0 })
        case .leaky(let slope):
            VectorLoop.apply(count, g, k, into: out, { g, k in (g * slope).replacing(with: g, where: k .> 0) }, { $1 > 0 ? $0 : $0 * slope })
        case .inside(let lower, let upper):
            VectorLoop.apply(
                count, g, k, into: out, { g, k in V(repeating: 0).replacing(with: g, where: (k .>= lower) .& (k .<= upper)) },
                { $1 >= lower && $1 <= upper ? $0 : 0 })
        case .sign:
            VectorLoop.apply(
                count, g, k, into: out, { g, k in V(repeating: 0).replacing(with: g, where: k .> 0).replacing(with: -g, where: k .< 0) },
                { $1 > 0 ? $0 : ($1 < 0 ? -$0 : 0) })
        }
        return result.recorded(op, [self]) { ctx in [ctx.gradient.gated(by: key, gate, op: op)] }
    }
}
