extension Tensor {
    /// The same elements viewed with another shape (no copy); one extent may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
            guard known > 0, count % known == 0 else {
                fatalError("reshaped: cannot view shape \(shape) as \(newShape)")
            }
            resolved[inferred] = count / known
        }
        guard Tensor.elementCount(resolved) == count else {
            fatalError("reshaped: shape \(shape) has \(count) elements, \(resolved) holds \(Tensor.elementCount(resolved))")
        }
        if resolved == shape { return self }
        let oldShape = shape
        return Tensor(shape: resolved, storage: storage, offset: offset).recorded("reshape", [self]) { ctx in
            [ctx.gradient.reshaped(oldShape)]
        }
    }

    /// Flattens every axis after the first: [n, ...] -> [n, rest].
    public func flattenedBatch() -> Tensor {
        reshaped([shape.first ?? 1, -1])
    }

    /// Reorders the axes: result axis i is this tensor's axis `permutation[i]` (copies).
    public func permuted(_ permutation: [Int]) -> Tensor {
        guard permutation.count == rank, Set(permutation) == Set(0..<rank) else {
            fatalError("permuted: \(permutation) is not a permutation of the \(rank) axes of shape \(shape)")
        }
        let outShape = permutation.map { shape[$0] }
        let sourceStrides = broadcastStrides(of: shape, to: shape)
        let result = Tensor(uninitializedShape: outShape)
        let loop = StridedLoop(
            shape: outShape, strides: [permutation.map { sourceStrides[$0] }, broadcastStrides(of: outShape, to: outShape)])
        let src = pointer, dst = result.pointer
        loop.forEachRun { offsets, n, strides in
            let s = src + offsets[0], d = dst + offsets[1]
            for i in 0..<n { d[i * strides[1]] = s[i * strides[0]] }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, p) in permutation.enumerated() { inverse[p] = i }
        return result.recorded("permute", [self]) { ctx in [ctx.gradient.permuted(inverse)] }
    }

    /// Swaps the two axes of a matrix (copies).
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed: expected a matrix, got shape \(shape)")
        return permuted([1, 0])
    }

    /// Elements `range` along `axis` (copies unless `axis` is the leading one).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = normalizedAxes([axis], op: "slice").first!
        guard range.lowerBound >= 0, range.upperBound <= shape[axis] else {
            fatalError("slice: range \(range) is outside axis \(axis) of shape \(shape)")
        }
        var outShape = shape
        outShape[axis] = range.count
        let inner = shape[(axis + 1)...].reduce(1, *)
        let fullShape = shape
        let result: Tensor
        if shape[..<axis].allSatisfy({ $0 == 1 }) {
            result = Tensor(shape: outShape, storage: storage, offset: offset + range.lowerBound * inner)
        } else {
            result = Tensor(uninitializedShape: outShape)
            let outer = shape[..<axis].reduce(1, *)
            for o in 0..<outer {
                (result.pointer + o * range.count * inner).update(
                    from: pointer + (o * shape[axis] + range.lowerBound) * inner, count: range.count * inner)
            }
        }
        return result.recorded("slice", [self]) { ctx in
            [ctx.gradient.padded(axis: axis, range: range, toShape: fullShape)]
        }
    }

    /// Zeros of `fullShape` with this tensor written at `range` along `axis` (the adjoint of `slice`).
    func padded(axis: Int, range: Range<Int>, toShape fullShape: [Int]) -> Tensor {
        let result = Tensor.zeros(fullShape)
        let inner = fullShape[(axis + 1)...].reduce(1, *)
        let outer = fullShape[..<axis].reduce(1, *)
        for o in 0..<outer {
            (result.pointer + (o * fullShape[axis] + range.lowerBound) * inner).update(
                from: pointer + o * range.count * inner, count: range.count * inner)
        }
        return result.recorded("pad", [self]) { ctx in [ctx.gradient.slice(axis: axis, range)] }
    }

    /// Rows (entries of the leading axis) at `indices`, in that order; indices may repeat.
    public func gatherRows(_ indices: [Int]) -> Tensor {
        let rowSize = count / Swift.max(shape[0], 1)
        var outShape = shape
        outShape[0] = indices.count
        let result = Tensor(uninitializedShape: outShape)
        for (i, row) in indices.enumerated() {
            guard (0..<shape[0]).contains(row) else { fatalError("gatherRows: index \(row) outside \(shape[0]) rows") }
            (result.pointer + i * rowSize).update(from: pointer + row * rowSize, count: rowSize)
        }
        let rows = shape[0]
        return result.recorded("gatherRows", [self]) { ctx in [ctx.gradient.scatterAddRows(indices, rows: rows)] }
    }

    /// Zeros with `rows` rows, adding row i of this tensor into row `indices[i]` (the adjoint of `gatherRows`).
    func scatterAddRows(_ indices: [Int], rows: Int) -> Tensor {
        let rowSize = count / Swift.max(shape[0], 1)
        var outShape = shape
        outShape[0] = rows
        let result = Tensor.zeros(outShape)
        for (i, row) in indices.enumerated() {
            Kernels.addInPlace(result.pointer + row * rowSize, pointer + i * rowSize, rowSize)
        }
        return result.recorded("scatterAddRows", [self]) { ctx in [ctx.gradient.gatherRows(indices)] }
    }
}

/// Joins tensors along `axis`; all other extents must agree.
public func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
    guard let first = tensors.first else { fatalError("concat: no tensors to join") }
    let axis = first.normalizedAxes([axis], op: "concat").first!
    for t in tensors where t.rank != first.rank || (0..<first.rank).contains(where: { $0 != axis && t.shape[$0] != first.shape[$0] }) {
        fatalError(shapeMismatch("concat", first.shape, t.shape, expected: "equal extents except along axis \(axis)"))
    }
    var outShape = first.shape
    outShape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
    let result = Tensor(uninitializedShape: outShape)
    let inner = first.shape[(axis + 1)...].reduce(1, *)
    let outer = first.shape[..<axis].reduce(1, *)
    var start = 0
    var ranges: [Range<Int>] = []
    for t in tensors {
        let extent = t.shape[axis]
        for o in 0..<outer {
            (result.pointer + (o * outShape[axis] + start) * inner).update(from: t.pointer + o * extent * inner, count: extent * inner)
        }
        ranges.append(start..<(start + extent))
        start += extent
    }
    return result.recorded("concat", tensors) { ctx in
        ranges.indices.map { ctx.needs($0) ? ctx.gradient.slice(axis: axis, ranges[$0]) : nil }
    }
}
