#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A counter-based random generator (Philox-4x32-10, Salmon et al. 2011): the
/// numbers at a given (key, counter) are a pure function of the two, so any
/// process can draw sample i's numbers without drawing samples 0..<i first.
public struct Philox: Sendable {
    public let key: UInt64

    public init(key: UInt64) {
        self.key = key
    }

    /// The four 32-bit words at `counter`.
    @inline(__always)
    public func block(_ counter: (UInt32, UInt32, UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter
        var k0 = UInt32(truncatingIfNeeded: key)
        var k1 = UInt32(truncatingIfNeeded: key >> 32)
        for _ in 0..<10 {
            let p0 = UInt64(0xD251_1F53) &* UInt64(c.0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c.2)
            c = (
                UInt32(truncatingIfNeeded: p1 >> 32) ^ c.1 ^ k0, UInt32(truncatingIfNeeded: p1),
                UInt32(truncatingIfNeeded: p0 >> 32) ^ c.3 ^ k1, UInt32(truncatingIfNeeded: p0)
            )
            k0 = k0 &+ 0x9E37_79B9
            k1 = k1 &+ 0xBB67_AE85
        }
        return c
    }
}

/// Where a tensor of random numbers comes from: a seed, and a stream naming the
/// purpose and step ("z" at step 12, "alpha" at step 12, ...). Row r of a drawn
/// matrix uses counter r, so sample i of a global batch gets the same numbers
/// whichever rank draws it and whichever batch it sits in.
public struct RandomStream: Sendable, Hashable {
    public let seed: UInt64
    public let stream: UInt64

    public init(seed: UInt64, purpose: String, step: Int = 0) {
        self.seed = seed
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in purpose.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        stream = mix(h ^ mix(UInt64(bitPattern: Int64(step)) &+ 0x9E37_79B9_7F4A_7C15))
    }

    var generator: Philox { Philox(key: mix(seed ^ mix(stream))) }

    /// Uniform numbers in [0, 1): a [rows, columns] matrix whose row r is sample `firstRow + r`.
    public func uniform(rows: Int, columns: Int, firstRow: Int = 0) -> Tensor {
        fill(rows: rows, columns: columns, firstRow: firstRow) { words in
            (unitFloat(words.0), unitFloat(words.1), unitFloat(words.2), unitFloat(words.3))
        }
    }

    /// Standard normal numbers (Box-Muller): a [rows, columns] matrix whose row r is sample `firstRow + r`.
    public func normal(rows: Int, columns: Int, firstRow: Int = 0) -> Tensor {
        fill(rows: rows, columns: columns, firstRow: firstRow) { words in
            let (a, b) = boxMuller(words.0, words.1)
            let (c, d) = boxMuller(words.2, words.3)
            return (a, b, c, d)
        }
    }

    /// Uniform whole numbers in 0..<bound, one per index in `indices` (e.g. a shuffle key per sample).
    public func integers(below bound: UInt64, at indices: Range<Int>) -> [UInt64] {
        let philox = generator
        return indices.map { i in
            let w = philox.block((UInt32(truncatingIfNeeded: i), UInt32(truncatingIfNeeded: i >> 32), 0xFFFF_FFFF, 0))
            return (UInt64(w.0) << 32 | UInt64(w.1)) % bound
        }
    }

    private func fill(
        rows: Int, columns: Int, firstRow: Int, _ transform: ((UInt32, UInt32, UInt32, UInt32)) -> (Float, Float, Float, Float)
    ) -> Tensor {
        let result = Tensor(uninitializedShape: [rows, columns])
        let philox = generator
        let out = result.pointer
        for r in 0..<rows {
            let row = UInt64(firstRow + r)
            let dst = out + r * columns
            var column = 0
            var block: UInt32 = 0
            while column < columns {
                let v = transform(philox.block((UInt32(truncatingIfNeeded: row), UInt32(truncatingIfNeeded: row >> 32), block, 0)))
                let values = [v.0, v.1, v.2, v.3]
                for lane in 0..<Swift.min(4, columns - column) { dst[column + lane] = values[lane] }
                column += 4
                block += 1
            }
        }
        return result
    }
}

/// A 24-bit uniform in [0, 1).
@inline(__always)
private func unitFloat(_ word: UInt32) -> Float {
    Float(word >> 8) * (1.0 / 16_777_216.0)
}

/// Two independent standard normals from two uniform words.
@inline(__always)
private func boxMuller(_ a: UInt32, _ b: UInt32) -> (Float, Float) {
    let u1 = (Double(a) + 1) / 4_294_967_296.0  // (0, 1]: log never sees 0
    let u2 = Double(b) / 4_294_967_296.0
    let radius = (-2 * log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    return (Float(radius * cos(angle)), Float(radius * sin(angle)))
}

/// SplitMix64's finalizer: a bijective mix of 64 bits.
@inline(__always)
func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
