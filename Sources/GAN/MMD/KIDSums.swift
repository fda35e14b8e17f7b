import Autograd

/// The sums of cubic-polynomial kernel matrices, k(a, b) = (⟨a, b⟩/d + 1)³, between a
/// fixed set of real features X and one set of generated features Y of the same size
/// m that the relative KID test needs (Bińkowski et al. 2018, the reference's
/// `_np_get_sums`): what it keeps of each evaluation. Products come from Float32
/// matrix products; sums are taken in Double.
public struct KIDSums: Sendable, Equatable {
    /// m: rows of X and of Y.
    public let count: Int
    /// Σ_{j≠i} k(yᵢ, yⱼ) for each i.
    public let offDiagonalRowSumsYY: [Double]
    /// Σ_{i≠j} k(yᵢ, yⱼ)².
    public let offDiagonalSquaresYY: Double
    /// Σᵢ k(xᵢ, yⱼ) for each generated j.
    public let sumsOverRealXY: [Double]
    /// Σⱼ k(xᵢ, yⱼ) for each real i.
    public let sumsOverGeneratedXY: [Double]
    /// Σᵢⱼ k(xᵢ, yⱼ)².
    public let squaresXY: Double

    /// The sums of real features `real` [m, d] against generated features `generated` [m, d].
    public init(real: Tensor, generated: Tensor) throws(EvaluationError) {
        let x = try SampleMatrix(real, input: "real features")
        let y = try SampleMatrix(generated, input: "generated features")
        guard x.columns == y.columns else { throw .sizeMismatch(what: "feature dimensions of the two sets", first: x.columns, second: y.columns) }
        guard x.rows == y.rows else { throw .sizeMismatch(what: "rows of the real and generated features", first: x.rows, second: y.rows) }
        try y.requireRows(3, input: "generated features")
        let m = y.rows
        let yy = Self.kernel(y, y)
        let xy = Self.kernel(x, y)
        var rowSums = [Double](repeating: 0, count: m)
        var squares = 0.0
        for i in 0..<m {
            for j in 0..<m where j != i {
                rowSums[i] += yy[i * m + j]
                squares += yy[i * m + j] * yy[i * m + j]
            }
        }
        var overReal = [Double](repeating: 0, count: m)
        var overGenerated = [Double](repeating: 0, count: m)
        var squaresXY = 0.0
        for i in 0..<m {
            for j in 0..<m {
                let k = xy[i * m + j]
                overReal[j] += k
                overGenerated[i] += k
                squaresXY += k * k
            }
        }
        count = m
        offDiagonalRowSumsYY = rowSums
        offDiagonalSquaresYY = squares
        sumsOverRealXY = overReal
        sumsOverGeneratedXY = overGenerated
        self.squaresXY = squaresXY
    }

    /// k(aᵢ, bⱼ) row-major, [a.rows × b.rows], in Double.
    private static func kernel(_ a: SampleMatrix, _ b: SampleMatrix) -> [Double] {
        let products = withoutGradients { matmul(a.tensor, b.tensor, transposeB: true) }.scalars
        let scale = 1 / Double(a.columns)
        return products.map { value in
            let base = Double(value) * scale + 1
            return base * base * base
        }
    }
}
