extension Tensor {
    /// Sums over the axes along which `target` would broadcast to this shape
    /// (the adjoint of `broadcast(to:)`); returns self when the shapes agree.
    public func sum(toShape target: [Int]) -> Tensor {
        if target == shape { return self }
        guard broadcastShape(target, shape) == shape else {
            fatalError(shapeMismatch("sum(toShape:)", shape, target, expected: "the target must broadcast to the source"))
        }
        return Kernels.sum(self, to: target).recorded("sumToShape", [self]) { ctx in
            [ctx.gradient.broadcast(to: ctx.inputs[0].shape)]
        }
    }

    /// Repeats along axes of extent 1 (and new leading axes) to fill `target`.
    public func broadcast(to target: [Int]) -> Tensor {
        if target == shape { return self }
        guard broadcastShape(shape, target) == target else {
            fatalError(shapeMismatch("broadcast(to:)", shape, target, expected: "extent 1 or equal along each trailing axis"))
        }
        return Kernels.broadcast(self, to: target).recorded("broadcastTo", [self]) { ctx in
            [ctx.gradient.sum(toShape: ctx.inputs[0].shape)]
        }
    }
}
