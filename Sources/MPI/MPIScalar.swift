/// The element types the collectives move: each maps to one MPI datatype.
public enum MPIScalarKind: Sendable {
    case float32, float64, int32, int64, uint8, uint16
}

/// An element type the collectives accept (Float, Double, Int32, Int64, UInt8, and
/// UInt16 for 16-bit floating-point bit patterns on the wire).
public protocol MPIScalar: Numeric, Comparable, Sendable {
    static var mpiKind: MPIScalarKind { get }
    /// `x` divided by `count`; the mean reduction is a sum followed by this.
    /// Integer types divide with truncation.
    static func dividing(_ x: Self, by count: Int) -> Self
}

extension Float: MPIScalar {
    public static var mpiKind: MPIScalarKind { .float32 }
    public static func dividing(_ x: Float, by count: Int) -> Float { x / Float(count) }
}

extension Double: MPIScalar {
    public static var mpiKind: MPIScalarKind { .float64 }
    public static func dividing(_ x: Double, by count: Int) -> Double { x / Double(count) }
}

extension Int32: MPIScalar {
    public static var mpiKind: MPIScalarKind { .int32 }
    public static func dividing(_ x: Int32, by count: Int) -> Int32 { x / Int32(count) }
}

extension Int64: MPIScalar {
    public static var mpiKind: MPIScalarKind { .int64 }
    public static func dividing(_ x: Int64, by count: Int) -> Int64 { x / Int64(count) }
}

extension UInt8: MPIScalar {
    public static var mpiKind: MPIScalarKind { .uint8 }
    public static func dividing(_ x: UInt8, by count: Int) -> UInt8 { x / UInt8(count) }
}

extension UInt16: MPIScalar {
    public static var mpiKind: MPIScalarKind { .uint16 }
    public static func dividing(_ x: UInt16, by count: Int) -> UInt16 { x / UInt16(count) }
}

/// A reduction applied elementwise across ranks.
public enum ReduceOp: String, Sendable, CaseIterable {
    case sum, max, min, prod
    /// Sum across ranks, then divide by the number of ranks.
    case mean

    /// Combines two values as this reduction does (mean combines as a sum).
    @inlinable
    public func combine<T: MPIScalar>(_ a: T, _ b: T) -> T {
        switch self {
        case .sum, .mean: return a + b
        case .prod: return a * b
        case .max: return Swift.max(a, b)
        case .min: return Swift.min(a, b)
        }
    }
}
