extension Tensor {
    /// Moves this leaf's values to elements `offset ..< offset + count` of `buffer`
    /// and makes this tensor a view of them from now on: a network's parameters
    /// become views of one flat buffer that collectives and optimizers work on
    /// directly. The tensor keeps its identity, shape and `requiresGrad`.
    public func relocate(into buffer: Tensor, at offset: Int) {
        precondition(gradFn == nil, "relocate: only leaf tensors can move")
        precondition(offset >= 0 && offset + count <= buffer.count, "relocate: elements \(offset)..<\(offset + count) outside a buffer of \(buffer.count)")
        let destination = buffer.pointer + offset
        if destination != pointer {
            destination.update(from: pointer, count: count)
            buffer.storage.touch()
        }
        storage = buffer.storage
        self.offset = buffer.offset + offset
    }

    /// Whether this tensor's values lie inside `buffer`'s (a view of it, or the buffer itself).
    public func isView(of buffer: Tensor) -> Bool {
        storage === buffer.storage && offset >= buffer.offset && offset + count <= buffer.offset + buffer.count
    }
}
