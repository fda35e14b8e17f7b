/// Rounding to bfloat16 (8 significant bits, float32's exponent range), to nearest with
/// ties to even, kept in float32 storage: a bf16 value is a float32 whose low 16 bits
/// are zero. The product of two such values is exact in float32, so sgemm over rounded
/// inputs is a bf16 product with float32 accumulation.
enum BFloat16 {
    /// `x` rounded to the nearest bfloat16 (NaN stays NaN, overflow goes to infinity).
    @inline(__always)
    static func round(_ x: Float) -> Float {
        let bits = x.bitPattern
        guard !x.isNaN else { return Float(bitPattern: (bits | 0x0040_0000) & 0xFFFF_0000) }
        return Float(bitPattern: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000)
    }

    /// A copy of `x` with every value rounded to bfloat16. A plain loop over the bit patterns
    /// with a select for NaN: it compiles to vector code (the same loop on SIMD16<UInt32>
    /// values compiled to scalar code twenty times slower).
    static func rounded(_ x: Tensor) -> Tensor {
        let result = Tensor(uninitializedShape: x.shape)
        let source = UnsafeRawPointer(x.pointer).assumingMemoryBound(to: UInt32.self)
        let destination = UnsafeMutableRawPointer(result.pointer).assumingMemoryBound(to: UInt32.self)
        for i in 0..<x.count {
            let bits = source[i]
            let nearest = (bits &+ 0x7FFF &+ ((bits &>> 16) & 1)) & 0xFFFF_0000
            let quietNaN = (bits | 0x0040_0000) & 0xFFFF_0000
            destination[i] = (bits & 0x7FFF_FFFF) > 0x7F80_0000 ? quietNaN : nearest
        }
        return result
    }
}
