import Autograd

/// The sliced Wasserstein distance SW₂² between two equally large sample sets, as the
/// fast_sw reference (Nadjahi et al. 2021) estimates it: by Monte Carlo over random unit
/// directions θ_l, (1/(n·L)) Σ_l Σ_k (sort(Yθ_l)_k − sort(Xθ_l)_k)², or by the CLT
/// approximation from the sets' means and second moments alone. Every function is built
/// of differentiable Tensor ops.
public enum SlicedWasserstein {
    /// Random unit directions in R^dimension: row l is direction `rows.lowerBound + l` of
    /// `stream` (a standard normal vector scaled to unit length), so any rank can draw any
    /// share of one set of directions. [rows.count, dimension].
    public static func directions(_ stream: RandomStream, rows: Range<Int>, dimension: Int) -> Tensor {
        let draws = stream.normal(rows: rows.count, columns: dimension, firstRow: rows.lowerBound)
        draws.withMutableScalars { values in
            for row in 0..<rows.count {
                let slice = (row * dimension)..<((row + 1) * dimension)
                let norm = values[slice].reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                let scale = norm > 0 ? 1 / norm : 0
                for i in slice { values[i] *= scale }
            }
        }
        return draws
    }

    /// Σ_l Σ_k (sort(a_l)_k − sort(b_l)_k)² for projections a, b of shape [L, n]
    /// (row l: every sample projected on direction l): the squared distance of the sorted
    /// rows, i.e. of the optimal 1-D matchings. Not normalized.
    public static func sortedMatchingCost(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape && a.rank == 2, "sortedMatchingCost: shapes \(a.shape) and \(b.shape) must be the same [L, n]")
        return (a.sortedRows() - b.sortedRows()).square().sum()
    }

    /// The Monte Carlo estimate's terms for `directions` ([L_share, d]), one share of
    /// `totalDirections`: Σ over these directions of the sorted matching cost of `x` and `y`
    /// ([n, d] each, the whole sample sets), divided by n · totalDirections. The shares of
    /// disjoint sets of directions add up to the estimate over all of them.
    public static func monteCarloShare(_ x: Tensor, _ y: Tensor, directions: Tensor, totalDirections: Int) -> Tensor {
        precondition(x.shape == y.shape && x.rank == 2, "monteCarloShare: sample sets \(x.shape) and \(y.shape) must both be [n, d]")
        guard directions.shape[0] > 0 else { return (x * 0).sum() }
        let projectedX = matmul(directions, x, transposeB: true)
        let projectedY = matmul(directions, y, transposeB: true)
        return sortedMatchingCost(projectedX, projectedY) * (1 / Float(x.shape[0] * totalDirections))
    }

    /// This rank's additive statistics of samples `x` ([n, d]): Σᵢ xᵢ (d values) then
    /// Σᵢ ‖xᵢ‖², as one [d + 1] vector, so one allreduce-sum gives the global ones.
    public static func momentSums(_ x: Tensor) -> Tensor {
        precondition(x.rank == 2, "momentSums: expected [n, d] samples, got \(x.shape)")
        return concat([x.sum(axes: [0]), x.square().sum().reshaped([1])], axis: 0)
    }

    /// The CLT approximation of SW₂² (fast_sw's `clt_sw`) from the moment sums of two sets
    /// of `countX` and `countY` samples: with m the mean and γ = mean ‖xᵢ − m‖² / d,
    /// ‖m_x − m_y‖² / d + (√γ_x − √γ_y)².
    public static func cltSquared(_ sumsX: Tensor, count countX: Int, _ sumsY: Tensor, count countY: Int) -> Tensor {
        precondition(sumsX.shape == sumsY.shape && sumsX.rank == 1 && sumsX.count >= 2, "cltSquared: moment sums \(sumsX.shape), \(sumsY.shape)")
        let d = sumsX.count - 1
        func moments(_ sums: Tensor, _ n: Int) -> (mean: Tensor, gamma: Tensor) {
            let mean = sums.slice(axis: 0, 0..<d) * (1 / Float(n))
            let second = sums.slice(axis: 0, d..<(d + 1)).sum() * (1 / Float(n))
            // Σ‖xᵢ − m‖²/n = Σ‖xᵢ‖²/n − ‖m‖²; rounding can take it a hair below zero.
            let gamma = ((second - mean.square().sum()) * (1 / Float(d))).clamped(to: 1e-12, .greatestFiniteMagnitude)
            return (mean, gamma)
        }
        let (x, y) = (moments(sumsX, countX), moments(sumsY, countY))
        let meanTerm = (x.mean - y.mean).square().sum() * (1 / Float(d))
        return meanTerm + (x.gamma.sqrt() - y.gamma.sqrt()).square()
    }
}
