import Autograd

/// A set of samples as an [N, D] row-major matrix of Float, read once from a tensor so
/// the metrics can loop over plain arrays (and accumulate in Double).
struct SampleMatrix {
    let rows: Int
    let columns: Int
    let values: [Float]

    /// The samples of `tensor`, which must be [N, D]; `input` names it in errors.
    init(_ tensor: Tensor, input: String) throws(EvaluationError) {
        guard tensor.rank == 2 else {
            throw .wrongShape(input: input, found: tensor.shape, expected: "[N, D] (one sample per row)")
        }
        rows = tensor.shape[0]
        columns = tensor.shape[1]
        values = tensor.scalars
    }

    /// The same samples reduced to the rows at `indices`.
    init(_ other: SampleMatrix, rows indices: [Int]) {
        var picked = [Float]()
        picked.reserveCapacity(indices.count * other.columns)
        for row in indices { picked += other.values[(row * other.columns)..<((row + 1) * other.columns)] }
        rows = indices.count
        columns = other.columns
        values = picked
    }

    /// Throws unless there are at least `minimum` rows.
    func requireRows(_ minimum: Int, input: String) throws(EvaluationError) {
        guard rows >= minimum else { throw .tooFewSamples(input: input, found: rows, minimum: minimum) }
    }

    /// The Euclidean distance between row `i` of this matrix and row `j` of `other` (same width).
    @inline(__always)
    func distance(_ i: Int, _ other: SampleMatrix, _ j: Int) -> Double {
        var sum = 0.0
        let a = i * columns, b = j * other.columns
        for k in 0..<columns {
            let d = Double(values[a + k]) - Double(other.values[b + k])
            sum += d * d
        }
        return sum.squareRoot()
    }

    /// The matrix as a tensor (for products done by BLAS).
    var tensor: Tensor { Tensor(shape: [rows, columns], scalars: values) }
}
