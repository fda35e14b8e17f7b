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
        switch gate {
        case .positive:
            for i in 0..<count { out[i] = k[i] > 0 ? g[i] : 0 }
        case .nonPositive:
            for i in 0..<count { out[i] = k[i] > 0 ? 0 : g[i] }
        case .leaky(let slope):
            for i in 0..<count { out[i] = k[i] > 0 ? g[i] : g[i] * slope }
        case .inside(let lower, let upper):
            for i in 0..<count { out[i] = k[i] >= lower && k[i] <= upper ? g[i] : 0 }
        case .sign:
            for i in 0..<count { out[i] = k[i] > 0 ? g[i] : (k[i] < 0 ? -g[i] : 0) }
        }
        return result.recorded(op, [self]) { ctx in [ctx.gradient.gated(by: key, gate, op: op)] }
    }
}
