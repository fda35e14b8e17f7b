/// Records an op computed outside Autograd (for example a collective across
/// ranks) so gradients flow through it: `value` must be a fresh tensor the
/// caller just computed from `inputs`, and `backward` maps the output gradient
/// to input gradients with Tensor ops (or other custom ops).
public func customOp(_ name: String, value: Tensor, inputs: [Tensor], backward: @escaping BackwardRule) -> Tensor {
    precondition(value.gradFn == nil && !value.requiresGrad, "customOp '\(name)': value must be a fresh tensor")
    return value.recorded(name, inputs, backward)
}

extension Tensor {
    /// A tensor of `shape` whose contents the caller fills through `withMutableScalars` before use.
    public static func uninitialized(_ shape: [Int]) -> Tensor {
        Tensor(uninitializedShape: shape)
    }

    /// A view of `shape` starting `offset` elements into this tensor (no copy, no graph):
    /// lets one flat buffer hold many parameters' gradients.
    public func view(offset: Int, shape: [Int]) -> Tensor {
        let n = Tensor.elementCount(shape)
        precondition(offset >= 0 && offset + n <= count, "view: elements \(offset)..<\(offset + n) outside a tensor of \(count)")
        return Tensor(shape: shape, storage: storage, offset: self.offset + offset)
    }
}
