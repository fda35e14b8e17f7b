/// Straightforward reference implementations in Double, written from the
/// definitions with plain loops, to check the engine's forward values against.
enum Naive {
    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var result = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) { result[axis] = result[axis + 1] * shape[axis + 1] }
        return result
    }

    /// The multi-index of flat position `flat` in `shape`.
    static func index(_ flat: Int, _ shape: [Int]) -> [Int] {
        var rest = flat
        return strides(shape).map { s in
            defer { rest %= s }
            return rest / s
        }
    }

    /// Element `index` of a row-major array of `shape`, where `index` may have more
    /// (leading) axes and extent-1 axes repeat (NumPy broadcasting).
    static func broadcastElement(_ values: [Float], _ shape: [Int], at index: [Int]) -> Double {
        let lead = index.count - shape.count
        var flat = 0
        for (axis, s) in strides(shape).enumerated() where shape[axis] != 1 { flat += index[lead + axis] * s }
        return Double(values[flat])
    }

    /// C = op(A) op(B) for one [m, k] x [k, n] product stored with optional transposes.
    static func matmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var total = 0.0
                for p in 0..<k {
                    let av = transposeA ? a[p * m + i] : a[i * k + p]
                    let bv = transposeB ? b[j * k + p] : b[p * n + j]
                    total += Double(av) * Double(bv)
                }
                c[i * n + j] = total
            }
        }
        return c
    }

    /// y[n, o, i, j] = bias[o] + Σ_c,ki,kj x[n, c, i·s − p + ki, j·s − p + kj] · w[o, c, ki, kj] (zero outside x).
    static func conv2d(
        _ x: [Float], _ xShape: [Int], _ w: [Float], _ wShape: [Int], bias: [Float]?, stride s: Int, padding p: Int
    ) -> (values: [Double], shape: [Int]) {
        let (batch, channels, height, width) = (xShape[0], xShape[1], xShape[2], xShape[3])
        let (outChannels, kh, kw) = (wShape[0], wShape[2], wShape[3])
        let outH = (height + 2 * p - kh) / s + 1
        let outW = (width + 2 * p - kw) / s + 1
        var y = [Double](repeating: 0, count: batch * outChannels * outH * outW)
        for n in 0..<batch {
            for o in 0..<outChannels {
                for i in 0..<outH {
                    for j in 0..<outW {
                        var total = bias.map { Double($0[o]) } ?? 0
                        for c in 0..<channels {
                            for ki in 0..<kh {
                                for kj in 0..<kw {
                                    let (row, column) = (i * s - p + ki, j * s - p + kj)
                                    guard (0..<height).contains(row), (0..<width).contains(column) else { continue }
                                    total +=
                                        Double(x[((n * channels + c) * height + row) * width + column])
                                        * Double(w[((o * channels + c) * kh + ki) * kw + kj])
                                }
                            }
                        }
                        y[((n * outChannels + o) * outH + i) * outW + j] = total
                    }
                }
            }
        }
        return (y, [batch, outChannels, outH, outW])
    }

    /// Scatters each input pixel times its kernel w[c, o] into the full output at
    /// (i·s + ki, j·s + kj), then crops `p` from the top/left (the bottom/right keeps
    /// `outputPadding` extra rows/columns) and adds the bias.
    static func convTranspose2d(
        _ x: [Float], _ xShape: [Int], _ w: [Float], _ wShape: [Int], bias: [Float]?, stride s: Int, padding p: Int,
        outputPadding: Int
    ) -> (values: [Double], shape: [Int]) {
        let (batch, channels, height, width) = (xShape[0], xShape[1], xShape[2], xShape[3])
        let (outChannels, kh, kw) = (wShape[1], wShape[2], wShape[3])
        let fullH = (height - 1) * s + kh + outputPadding
        let fullW = (width - 1) * s + kw + outputPadding
        var full = [Double](repeating: 0, count: batch * outChannels * fullH * fullW)
        for n in 0..<batch {
            for c in 0..<channels {
                for i in 0..<height {
                    for j in 0..<width {
                        let pixel = Double(x[((n * channels + c) * height + i) * width + j])
                        for o in 0..<outChannels {
                            for ki in 0..<kh {
                                for kj in 0..<kw {
                                    full[((n * outChannels + o) * fullH + i * s + ki) * fullW + j * s + kj] +=
                                        pixel * Double(w[((c * outChannels + o) * kh + ki) * kw + kj])
                                }
                            }
                        }
                    }
                }
            }
        }
        let (outH, outW) = (fullH - 2 * p, fullW - 2 * p)
        var y = [Double](repeating: 0, count: batch * outChannels * outH * outW)
        for n in 0..<batch {
            for o in 0..<outChannels {
                for i in 0..<outH {
                    for j in 0..<outW {
                        y[((n * outChannels + o) * outH + i) * outW + j] =
                            full[((n * outChannels + o) * fullH + i + p) * fullW + j + p] + (bias.map { Double($0[o]) } ?? 0)
                    }
                }
            }
        }
        return (y, [batch, outChannels, outH, outW])
    }
}
