/// Loops over raw buffers. Everything is inlined into the op that calls it, so
/// each op's arithmetic is compiled into its own tight (vectorizable) loop.
enum Kernels {
    @inline(__always)
    static func map(_ x: Tensor, _ f: (Float) -> Float) -> Tensor {
        let result = Tensor(uninitializedShape: x.shape)
        let src = x.pointer
        let dst = result.pointer
        for i in 0..<x.count { dst[i] = f(src[i]) }
        return result
    }

    /// Elementwise f(a, b) over the broadcast of the two shapes.
    @inline(__always)
    static func zip(_ op: String, _ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        if a.shape == b.shape {
            let result = Tensor(uninitializedShape: a.shape)
            let pa = a.pointer, pb = b.pointer, out = result.pointer
            for i in 0..<a.count { out[i] = f(pa[i], pb[i]) }
            return result
        }
        guard let shape = broadcastShape(a.shape, b.shape) else {
            fatalError(shapeMismatch(op, a.shape, b.shape, expected: "equal, or 1, along each trailing axis"))
        }
        let result = Tensor(uninitializedShape: shape)
        let pa = a.pointer, pb = b.pointer, out = result.pointer
        if b.count == 1 && shape == a.shape {
            let s = pb[0]
            for i in 0..<a.count { out[i] = f(pa[i], s) }
            return result
        }
        if a.count == 1 && shape == b.shape {
            let s = pa[0]
            for i in 0..<b.count { out[i] = f(s, pb[i]) }
            return result
        }
        let loop = StridedLoop(
            shape: shape,
            strides: [broadcastStrides(of: a.shape, to: shape), broadcastStrides(of: b.shape, to: shape), broadcastStrides(of: shape, to: shape)])
        loop.forEachRun { offsets, n, strides in
            let sa = strides[0], sb = strides[1]
            let ra = pa + offsets[0], rb = pb + offsets[1], ro = out + offsets[2]
            if sa == 1 && sb == 1 {
                for i in 0..<n { ro[i] = f(ra[i], rb[i]) }
            } else if sa == 1 && sb == 0 {
                let v = rb[0]
                for i in 0..<n { ro[i] = f(ra[i], v) }
            } else if sa == 0 && sb == 1 {
                let v = ra[0]
                for i in 0..<n { ro[i] = f(v, rb[i]) }
            } else {
                for i in 0..<n { ro[i] = f(ra[i * sa], rb[i * sb]) }
            }
        }
        return result
    }

    /// Elementwise f(a, b, c) over three tensors of the same shape.
    @inline(__always)
    static func zip3(_ a: Tensor, _ b: Tensor, _ c: Tensor, _ f: (Float, Float, Float) -> Float) -> Tensor {
        let result = Tensor(uninitializedShape: a.shape)
        let pa = a.pointer, pb = b.pointer, pc = c.pointer, out = result.pointer
        for i in 0..<a.count { out[i] = f(pa[i], pb[i], pc[i]) }
        return result
    }

    /// a += b over `count` elements.
    static func addInPlace(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) {
        for i in 0..<count { a[i] += b[i] }
    }

    /// Sums `x` (of `shape`) down to `target`, a shape `shape` broadcasts from.
    static func sum(_ x: Tensor, to target: [Int]) -> Tensor {
        let result = Tensor(repeating: 0, shape: target)
        let px = x.pointer, out = result.pointer
        if result.count == 1 {
            var total: Float = 0
            for i in 0..<x.count { total += px[i] }
            out[0] = total
            return result
        }
        let loop = StridedLoop(
            shape: x.shape, strides: [broadcastStrides(of: x.shape, to: x.shape), broadcastStrides(of: target, to: x.shape)])
        loop.forEachRun { offsets, n, strides in
            let rx = px + offsets[0], ro = out + offsets[1]
            if strides[1] == 0 {
                var total: Float = 0
                if strides[0] == 1 {
                    for i in 0..<n { total += rx[i] }
                } else {
                    for i in 0..<n { total += rx[i * strides[0]] }
                }
                ro[0] += total
            } else if strides[0] == 1 && strides[1] == 1 {
                for i in 0..<n { ro[i] += rx[i] }
            } else {
                for i in 0..<n { ro[i * strides[1]] += rx[i * strides[0]] }
            }
        }
        return result
    }

    /// Repeats `x` along the axes where it has extent 1 to fill `target`.
    static func broadcast(_ x: Tensor, to target: [Int]) -> Tensor {
        let result = Tensor(uninitializedShape: target)
        let px = x.pointer, out = result.pointer
        if x.count == 1 {
            out.update(repeating: px[0], count: result.count)
            return result
        }
        let loop = StridedLoop(
            shape: target, strides: [broadcastStrides(of: x.shape, to: target), broadcastStrides(of: target, to: target)])
        loop.forEachRun { offsets, n, strides in
            let rx = px + offsets[0], ro = out + offsets[1]
            if strides[0] == 0 {
                let v = rx[0]
                for i in 0..<n { ro[i * strides[1]] = v }
            } else if strides[1] == 1 && strides[0] == 1 {
                ro.update(from: rx, count: n)
            } else {
                for i in 0..<n { ro[i * strides[1]] = rx[i * strides[0]] }
            }
        }
        return result
    }
}
