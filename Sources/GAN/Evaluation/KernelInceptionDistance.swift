import Autograd

/// KID (Bińkowski et al. 2018): the unbiased estimate of the squared maximum mean
/// discrepancy between two feature sets under the cubic polynomial kernel
/// k(x, y) = (xᵀy / d + 1)³, averaged over random subsets of equal size.
public struct KernelInceptionDistance: Sendable, Equatable {
    /// Mean of the per-subset MMD² estimates: the reported KID.
    public let mean: Double
    /// Standard deviation of the per-subset estimates (population form, divided by the
    /// number of subsets, as the reference code and torchmetrics report it).
    public let standardDeviation: Double
    /// Number of subsets averaged.
    public let subsets: Int
    /// Rows drawn from each set per subset.
    public let subsetSize: Int

    /// Estimates KID between features `x` [n, d] and `y` [m, d], both gathered in full.
    /// Each of the `subsets` draws `subsetSize` rows from each set without replacement
    /// (default min(1000, n, m)); which rows is a pure function of `seed` and the subset's
    /// index. Per subset of size s the estimate is
    ///     Σᵢ≠ⱼ k(xᵢ,xⱼ)/(s(s−1)) + Σᵢ≠ⱼ k(yᵢ,yⱼ)/(s(s−1)) − 2·Σᵢ,ⱼ k(xᵢ,yⱼ)/s²,
    /// whose expectation is MMD² (0 for equal distributions; single estimates can be negative).
    /// Kernel matrices come from Float32 products (BLAS); their sums are taken in Double.
    public init(_ x: Tensor, _ y: Tensor, subsets: Int = 100, subsetSize: Int? = nil, seed: UInt64 = 0) throws(EvaluationError) {
        let a = try SampleMatrix(x, input: "first feature set")
        let b = try SampleMatrix(y, input: "second feature set")
        guard a.columns == b.columns else {
            throw .sizeMismatch(what: "feature dimensions of the two sets", first: a.columns, second: b.columns)
        }
        try a.requireRows(2, input: "first feature set")
        try b.requireRows(2, input: "second feature set")
        guard subsets >= 1 else {
            throw .invalidParameter(name: "KID subsets", value: "\(subsets)", expected: "at least 1")
        }
        let size = subsetSize ?? Swift.min(1000, a.rows, b.rows)
        guard size >= 2, size <= Swift.min(a.rows, b.rows) else {
            throw .invalidParameter(
                name: "KID subset size", value: "\(size)", expected: "2...\(Swift.min(a.rows, b.rows)) (the smaller set's size)")
        }
        var estimates = [Double]()
        for subset in 0..<subsets {
            let xs = SampleMatrix(a, rows: SeededShuffle.sample(size, from: a.rows, seed: seed, purpose: "kid.first", step: subset))
            let ys = SampleMatrix(b, rows: SeededShuffle.sample(size, from: b.rows, seed: seed, purpose: "kid.second", step: subset))
            estimates.append(Self.unbiasedMMD2(xs, ys))
        }
        let mean = estimates.reduce(0, +) / Double(subsets)
        let variance = estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(subsets)
        self.mean = mean
        standardDeviation = variance.squareRoot()
        self.subsets = subsets
        self.subsetSize = size
    }

    /// The unbiased MMD² of two equally sized sets under the cubic polynomial kernel.
    static func unbiasedMMD2(_ x: SampleMatrix, _ y: SampleMatrix) -> Double {
        let s = Double(x.rows)
        let (xx, xxDiagonal) = kernelSums(x, x)
        let (yy, yyDiagonal) = kernelSums(y, y)
        let (xy, _) = kernelSums(x, y)
        return (xx - xxDiagonal) / (s * (s - 1)) + (yy - yyDiagonal) / (s * (s - 1)) - 2 * xy / (s * s)
    }

    /// The sum of k(aᵢ, bⱼ) over all pairs, and over the diagonal i = j.
    private static func kernelSums(_ a: SampleMatrix, _ b: SampleMatrix) -> (all: Double, diagonal: Double) {
        let products = withoutGradients { matmul(a.tensor, b.tensor, transposeB: true) }
        let scale = 1 / Double(a.columns)
        return products.withScalars { dot in
            var all = 0.0, diagonal = 0.0
            for i in 0..<a.rows {
                for j in 0..<b.rows {
                    let base = Double(dot[i * b.rows + j]) * scale + 1
                    let k = base * base * base
                    all += k
                    if i == j { diagonal += k }
                }
            }
            return (all, diagonal)
        }
    }
}
