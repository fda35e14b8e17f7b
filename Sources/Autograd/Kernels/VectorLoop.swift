/// Elementwise loops written with 16-lane SIMD values, so they compile to
/// branch-free vector code (a ternary on floats in a plain loop compiles to a
/// data-dependent branch, which mispredicts on ReLU masks). Each takes a vector
/// body and the same operation on one lane for the tail.
public enum VectorLoop {
    public typealias Vector = SIMD16<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int) -> Vector {
        UnsafeRawPointer(p + i).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>, _ i: Int) {
        UnsafeMutableRawPointer(p + i).storeBytes(of: v, as: Vector.self)
    }

    /// out[i] = f(a[i], b[i]) for i in 0..<count.
    @inlinable @inline(__always)
    public static func apply(
        _ count: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
        _ vector: (Vector, Vector) -> Vector, _ scalar: (Float, Float) -> Float
    ) {
        var i = 0
        while i + Vector.scalarCount <= count {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: Vector.self)
            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: Vector.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: vector(va, vb), as: Vector.self)
            i += Vector.scalarCount
        }
        while i < count {
            out[i] = scalar(a[i], b[i])
            i += 1
        }
    }

    /// out[i] = f(a[i]) for i in 0..<count.
    @inlinable @inline(__always)
    public static func apply(
        _ count: Int, _ a: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ vector: (Vector) -> Vector,
        _ scalar: (Float) -> Float
    ) {
        var i = 0
        while i + Vector.scalarCount <= count {
            let va = UnsafeRawPointer(a + i).loadUnaligned(as: Vector.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: vector(va), as: Vector.self)
            i += Vector.scalarCount
        }
        while i < count {
            out[i] = scalar(a[i])
            i += 1
        }
    }

    /// The index of the first NaN or infinity among `count` values, or nil when all are finite.
    public static func firstNonFinite(_ values: UnsafePointer<Float>, count: Int) -> Int? {
        var i = 0
        while i + Vector.scalarCount <= count {
            let v = UnsafeRawPointer(values + i).loadUnaligned(as: Vector.self)
            // v − v is 0 for finite lanes and NaN for NaN or infinite ones.
            if any((v - v) .!= 0) { break }
            i += Vector.scalarCount
        }
        while i < count {
            if !values[i].isFinite { return i }
            i += 1
        }
        return nil
    }
}
