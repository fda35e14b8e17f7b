/// How gradients travel between ranks: as float32, or as 16-bit floats that are
/// widened and summed in float32 on arrival (Horovod's `Compression.fp16`, DDP's
/// bf16 hook). bf16 keeps float32's range with 8 significant bits (relative
/// rounding error at most 2^-9); fp16 has 11 significant bits (2^-12) but overflows
/// to infinity above 65504 and loses precision below 6.1e-5.
public enum GradientCompression: String, CaseIterable, Sendable {
    case none, fp16, bf16

    /// Bytes per element on the wire.
    var bytesPerElement: Int { self == .none ? 4 : 2 }

    /// Rounds `count` floats to this 16-bit format (to nearest, ties to even).
    func narrow(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<UInt16>, count: Int) {
        switch self {
        case .none: preconditionFailure("narrow: no 16-bit format for .none")
        case .bf16: for i in 0..<count { destination[i] = HalfFloat.bfloat16(source[i]) }
        case .fp16: for i in 0..<count { destination[i] = HalfFloat.float16(source[i]) }
        }
    }

    /// The float32 value of each 16-bit element (exact).
    func widen(_ source: UnsafePointer<UInt16>, into destination: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .none: preconditionFailure("widen: no 16-bit format for .none")
        case .bf16: for i in 0..<count { destination[i] = Float(bitPattern: UInt32(source[i]) << 16) }
        case .fp16: for i in 0..<count { destination[i] = HalfFloat.widen(source[i]) }
        }
    }

    /// `destination[i] = Σ over parts p of widen(source[p·count + i])`, parts in order:
    /// one rank's float32 sum of every rank's 16-bit contribution.
    func sumWidened(_ source: UnsafePointer<UInt16>, parts: Int, count: Int, into destination: UnsafeMutablePointer<Float>) {
        widen(source, into: destination, count: count)
        for part in 1..<Swift.max(parts, 1) {
            let next = source + part * count
            switch self {
            case .none: preconditionFailure("sumWidened: no 16-bit format for .none")
            case .bf16: for i in 0..<count { destination[i] += Float(bitPattern: UInt32(next[i]) << 16) }
            case .fp16: for i in 0..<count { destination[i] += HalfFloat.widen(next[i]) }
            }
        }
    }
}

/// Branch-free conversions between float32 and the two 16-bit formats, written with
/// integer and float32 operations only so that they vectorize (Swift's `Float16`
/// conversions call a library routine per element on x86 without F16C).
enum HalfFloat {
    /// bfloat16: the top 16 bits of the float32, rounded to nearest even; NaN stays NaN.
    @inline(__always)
    static func bfloat16(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16
        return UInt16(truncatingIfNeeded: x.isNaN ? (bits >> 16) | 0x40 : rounded)
    }

    /// IEEE binary16, rounded to nearest even: overflow gives infinity, NaN a quiet NaN,
    /// values below 2^-14 become subnormal (float addition does their rounding).
    @inline(__always)
    static func float16(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        let sign = (bits >> 16) & 0x8000
        let magnitude = bits & 0x7FFF_FFFF
        let normal = (magnitude &- 0x3800_0000 &+ 0xFFF &+ ((magnitude >> 13) & 1)) >> 13
        let subnormal = (Float(bitPattern: magnitude) + 0.5).bitPattern &- 0x3F00_0000
        let special: UInt32 = magnitude > 0x7F80_0000 ? 0x7E00 : 0x7C00
        let half = magnitude >= 0x4780_0000 ? special : (magnitude < 0x3880_0000 ? subnormal : normal)
        return UInt16(truncatingIfNeeded: half | sign)
    }

    /// The float32 value of an IEEE binary16 bit pattern.
    @inline(__always)
    static func widen(_ half: UInt16) -> Float {
        let bits = UInt32(half)
        let sign = (bits & 0x8000) << 16
        let shifted = (bits & 0x7FFF) << 13
        let exponent = shifted & 0x0F80_0000
        let normal = Float(bitPattern: shifted &+ 0x3800_0000)
        let infinityOrNaN = Float(bitPattern: shifted &+ 0x7000_0000)
        let subnormal = Float(bitPattern: shifted &+ 0x3880_0000) - Float(bitPattern: 0x3880_0000)
        let magnitude = exponent == 0x0F80_0000 ? infinityOrNaN : (exponent == 0 ? subnormal : normal)
        return Float(bitPattern: magnitude.bitPattern | sign)
    }
}
