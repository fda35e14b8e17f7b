import Autograd

/// The kernel of MMD GAN (Bińkowski et al. 2018, `mix_rq_1dot`): a sum of rational
/// quadratic kernels and a linear one,
///     k(a, b) = Σ_α (1 + ‖a − b‖² / (2α))^(−α) + w·⟨a, b⟩,   α ∈ {0.1, 1, 10}, w = 1,
/// on critic features. Every op is differentiable to any order (the witness penalty
/// differentiates a gradient of it).
public struct MixedRationalQuadraticKernel: Sendable {
    public let alphas: [Float]
    public let dotWeight: Float

    public init(alphas: [Float] = [0.1, 1, 10], dotWeight: Float = 1) {
        self.alphas = alphas
        self.dotWeight = dotWeight
    }

    /// What the reference subtracts per diagonal element as the "trace" of K_XX: the
    /// rational quadratic terms' value at distance 0, one per α. The linear term's
    /// diagonal ⟨a, a⟩ is not subtracted (reproduced as the reference computes it).
    public var constantDiagonal: Float { Float(alphas.count) }

    /// k(aᵢ, bⱼ) for rows of `a` [n, d] and `b` [m, d]: shape [n, m]. Squared distances
    /// are ‖a‖² + ‖b‖² − 2⟨a, b⟩ clamped at 0, as the reference computes them.
    public func matrix(_ a: Tensor, _ b: Tensor) -> Tensor {
        let products = matmul(a, b, transposeB: true)
        let aSquares = a.square().sum(axes: [1], keepDims: true)
        let bSquares = b.square().sum(axes: [1], keepDims: true).reshaped([1, b.shape[0]])
        let distances = (aSquares + bSquares - products * 2).relu()
        var kernel = products * dotWeight
        for alpha in alphas {
            kernel = kernel + ((distances * (1 / (2 * alpha)) + 1).log() * -alpha).exp()
        }
        return kernel
    }

    /// The reference's "unbiased" MMD² between feature sets `x` [m, d] and `y` [n, d]:
    ///     (ΣK_XX − c·m)/(m(m−1)) + (ΣK_YY − c·n)/(n(n−1)) − 2ΣK_XY/(mn),
    /// with c = `constantDiagonal` standing for the diagonal (exact for the rational
    /// quadratic part; the linear part's diagonal stays in the sums). A scalar.
    public func unbiasedMMD2(_ x: Tensor, _ y: Tensor) -> Tensor {
        let (m, n) = (Float(x.shape[0]), Float(y.shape[0]))
        let c = constantDiagonal
        let xx = (matrix(x, x).sum() - c * m) * (1 / (m * (m - 1)))
        let yy = (matrix(y, y).sum() - c * n) * (1 / (n * (n - 1)))
        return xx + yy - matrix(x, y).sum() * (2 / (m * n))
    }

    /// The witness function at `points` [p, d]: the mean kernel value against the real
    /// features minus that against the generated ones, shape [p].
    public func witness(at points: Tensor, real: Tensor, fake: Tensor) -> Tensor {
        matrix(points, real).mean(axes: [1]) - matrix(points, fake).mean(axes: [1])
    }
}
