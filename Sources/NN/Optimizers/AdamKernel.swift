import Autograd

/// Adam's elementwise update, one pass over parameter, moments and gradient,
/// 16 lanes at a time (a plain loop here compiles to scalar code). The second
/// moment is never negative, so its square root is taken of its magnitude: on
/// Linux `squareRoot()` of a value that may be negative keeps a branch and a
/// libm call per lane for `errno`, which a magnitude lets the compiler drop
/// (four `sqrtps` instead of sixteen branches; the same bits either way):
/// p ← p·decay; g' = g + l2·p; m ← β₁m + (1−β₁)g'; v ← β₂v + (1−β₂)g'²;
/// p ← p − stepSize · m / (√v / √(1−β₂ᵗ) + ε).
struct AdamKernel {
    let keep1: Float, blend1: Float, keep2: Float, blend2: Float
    let stepSize: Float, secondCorrection: Float, eps: Float
    let l2: Float, decay: Float

    func update(
        _ p: UnsafeMutableBufferPointer<Float>, _ m: UnsafeMutableBufferPointer<Float>, _ v: UnsafeMutableBufferPointer<Float>,
        _ g: UnsafeBufferPointer<Float>
    ) {
        typealias V = VectorLoop.Vector
        let count = p.count
        let (pp, mp, vp, gp) = (p.baseAddress!, m.baseAddress!, v.baseAddress!, g.baseAddress!)
        var i = 0
        while i + V.scalarCount <= count {
            var pv = UnsafeRawPointer(pp + i).loadUnaligned(as: V.self) * decay
            let gv = UnsafeRawPointer(gp + i).loadUnaligned(as: V.self) + l2 * pv
            let mv = keep1 * UnsafeRawPointer(mp + i).loadUnaligned(as: V.self) + blend1 * gv
            let vv = keep2 * UnsafeRawPointer(vp + i).loadUnaligned(as: V.self) + blend2 * gv * gv
            pv -= stepSize * (mv / (Self.squareRoot(vv) / secondCorrection + eps))
            UnsafeMutableRawPointer(pp + i).storeBytes(of: pv, as: V.self)
            UnsafeMutableRawPointer(mp + i).storeBytes(of: mv, as: V.self)
            UnsafeMutableRawPointer(vp + i).storeBytes(of: vv, as: V.self)
            i += V.scalarCount
        }
        while i < count {
            pp[i] *= decay
            let gi = gp[i] + l2 * pp[i]
            mp[i] = keep1 * mp[i] + blend1 * gi
            vp[i] = keep2 * vp[i] + blend2 * gi * gi
            pp[i] -= stepSize * (mp[i] / (vp[i].magnitude.squareRoot() / secondCorrection + eps))
            i += 1
        }
    }

    /// The lanes' square roots of a vector of non-negative values.
    @inline(__always)
    private static func squareRoot(_ x: VectorLoop.Vector) -> VectorLoop.Vector {
        var root = x
        for lane in x.indices { root[lane] = x[lane].magnitude.squareRoot() }
        return root
    }
}
