/// A = V·diag(λ)·Vᵀ for a real symmetric matrix A, computed in Double with the cyclic
/// Jacobi method (Golub and Van Loan, §8.5): sweeps of plane rotations that each zero
/// one off-diagonal pair, until the off-diagonal mass is negligible. Accurate to a few
/// units of roundoff relative to ‖A‖; O(d³) per sweep with a handful of sweeps, which
/// suits feature dimensions up to a few hundred.
public struct SymmetricEigendecomposition: Sendable {
    /// Side of the matrix.
    public let dimension: Int
    /// Eigenvalues, in ascending order.
    public let eigenvalues: [Double]
    /// Eigenvectors as the columns of a row-major d×d matrix: column k belongs to `eigenvalues[k]`.
    public let eigenvectors: [Double]

    /// Decomposes the row-major `dimension`×`dimension` matrix `matrix`, which must be
    /// symmetric (only its symmetric part, (A + Aᵀ)/2, is used).
    public init(symmetric matrix: [Double], dimension d: Int) {
        precondition(d >= 0 && matrix.count == d * d, "SymmetricEigendecomposition: \(matrix.count) values for a \(d)×\(d) matrix")
        var a = matrix
        for i in 0..<d {
            for j in (i + 1)..<d {
                let mean = (a[i * d + j] + a[j * d + i]) / 2
                a[i * d + j] = mean
                a[j * d + i] = mean
            }
        }
        var v = [Double](repeating: 0, count: d * d)
        for i in 0..<d { v[i * d + i] = 1 }

        let total = a.reduce(0) { $0 + $1 * $1 }
        let tolerance = total * 1e-30  // squared off-diagonal mass below (1e-15·‖A‖)²
        for _ in 0..<100 {
            var offDiagonal = 0.0
            for i in 0..<d { for j in 0..<d where j != i { offDiagonal += a[i * d + j] * a[i * d + j] } }
            if offDiagonal <= tolerance { break }
            for p in 0..<d {
                for q in (p + 1)..<d {
                    Self.rotate(&a, &v, d, p, q)
                }
            }
        }

        let order = (0..<d).sorted { a[$0 * d + $0] < a[$1 * d + $1] }
        eigenvalues = order.map { a[$0 * d + $0] }
        var sortedVectors = [Double](repeating: 0, count: d * d)
        for (column, source) in order.enumerated() {
            for row in 0..<d { sortedVectors[row * d + column] = v[row * d + source] }
        }
        eigenvectors = sortedVectors
        dimension = d
    }

    /// Applies the Jacobi rotation J(p, q, θ) that zeroes a[p, q]: A ← JᵀAJ, V ← VJ.
    private static func rotate(_ a: inout [Double], _ v: inout [Double], _ d: Int, _ p: Int, _ q: Int) {
        let apq = a[p * d + q]
        guard apq != 0 else { return }
        let app = a[p * d + p], aqq = a[q * d + q]
        // The smaller of the two rotation angles that diagonalize the 2×2 block (G&VL Alg. 8.5.1).
        let tau = (aqq - app) / (2 * apq)
        let t = (tau >= 0 ? 1.0 : -1.0) / (Swift.abs(tau) + (1 + tau * tau).squareRoot())
        let c = 1 / (1 + t * t).squareRoot()
        let s = t * c
        for k in 0..<d {  // columns p and q: A ← AJ
            let akp = a[k * d + p], akq = a[k * d + q]
            a[k * d + p] = c * akp - s * akq
            a[k * d + q] = s * akp + c * akq
        }
        for k in 0..<d {  // rows p and q: A ← JᵀA
            let apk = a[p * d + k], aqk = a[q * d + k]
            a[p * d + k] = c * apk - s * aqk
            a[q * d + k] = s * apk + c * aqk
        }
        a[p * d + q] = 0
        a[q * d + p] = 0
        for k in 0..<d {  // V ← VJ
            let vkp = v[k * d + p], vkq = v[k * d + q]
            v[k * d + p] = c * vkp - s * vkq
            v[k * d + q] = s * vkp + c * vkq
        }
    }

    /// V·diag(f(λ))·Vᵀ, row-major d×d: a function of the matrix (its square root with f = √).
    public func reconstructed(applying f: (Double) -> Double = { $0 }) -> [Double] {
        let d = dimension
        let mapped = eigenvalues.map(f)
        var result = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in i..<d {
                var sum = 0.0
                for k in 0..<d { sum += eigenvectors[i * d + k] * mapped[k] * eigenvectors[j * d + k] }
                result[i * d + j] = sum
                result[j * d + i] = sum
            }
        }
        return result
    }
}
