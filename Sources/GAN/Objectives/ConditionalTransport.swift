import Autograd

/// Conditional transport (Zheng & Zhou 2021; CT-pytorch): the cost of moving reals x_i to
/// fakes y_j, c_ij = ‖x_i − y_j‖² (in sample space, or between critic features), weighted by
/// two plans a navigator network steers. With logits s_ij = ±navigator((x_i − y_j)²):
///
///     forward  π→(j|i) = softmax over the fakes j of s_ij     (each real chooses fakes)
///     backward π←(i|j) = softmax over the reals i of s_ij     (each fake chooses reals)
///     CT = ρ · mean_i Σ_j c_ij π→(j|i) + (1 − ρ) · mean_j Σ_i c_ij π←(i|j)
///
/// Both softmaxes normalize over the global batch. A rank evaluates the pairs of its own
/// reals with every fake (its rows of the B×B matrix, so the B²×d navigator input is split
/// across ranks): the forward softmax is then complete on the rank, and the backward
/// softmax's column normalizers are summed across ranks by `columnSum` (a differentiable
/// sum over ranks; the identity on one rank). Each rank's result is its share of CT: the
/// shares sum to CT and their gradients, through the collectives, to CT's gradient.
public struct ConditionalTransport {
    /// ρ, the forward plan's weight.
    public let rho: Float
    /// CT-pytorch's image code takes s = −navigator(·); its toy code s = +navigator(·).
    public let negateLogits: Bool

    public init(rho: Float = 0.5, negateLogits: Bool) {
        self.rho = rho
        self.negateLogits = negateLogits
    }

    /// The parts of this rank's share of CT.
    public struct Share {
        /// ρ · forward + (1 − ρ) · backward.
        public let total: Tensor
        /// This rank's share of mean_i Σ_j c_ij π→(j|i) and of mean_j Σ_i c_ij π←(i|j).
        public let forward: Tensor
        public let backward: Tensor
    }

    /// This rank's share of CT.
    /// - `real`: this rank's reals (or their features), [b, d], rows of a global batch of `realCount`.
    /// - `fake`: every fake of the global batch, [B, d] (gathered, differentiably).
    /// - `navigator`: maps [P, d] squared differences to [P, 1] scores.
    /// - `columnSum`: Σ over ranks of a [1, B] tensor, differentiable; `columnMax`: the
    ///   elementwise maximum over ranks of a [1, B] tensor (a constant, for stability only).
    public func share(
        real: Tensor, fake: Tensor, realCount: Int, navigator: (Tensor) -> Tensor, columnSum: (Tensor) -> Tensor,
        columnMax: (Tensor) -> Tensor
    ) -> Share {
        precondition(real.rank == 2 && fake.rank == 2 && real.shape[1] == fake.shape[1], "ConditionalTransport: real \(real.shape), fake \(fake.shape)")
        let (rows, columns, d) = (real.shape[0], fake.shape[0], real.shape[1])
        let difference = real.reshaped([rows, 1, d]) - fake.reshaped([1, columns, d])
        let squared = difference.square()
        let cost = squared.sum(axes: [2])
        let scores = navigator(squared.reshaped([rows * columns, d])).reshaped([rows, columns])
        let logits = negateLogits ? -scores : scores
        let forwardPlan = Self.softmaxOverColumns(logits)
        let backwardPlan = Self.softmaxOverRows(logits, columnSum: columnSum, columnMax: columnMax)
        let forward = (cost * forwardPlan).sum() * (1 / Float(realCount))
        let backward = (cost * backwardPlan).sum() * (1 / Float(columns))
        return Share(total: forward * rho + backward * (1 - rho), forward: forward, backward: backward)
    }

    /// softmax of each row of `logits` [r, c] over its c entries (the row maximum, a constant, is
    /// subtracted first so exp cannot overflow).
    public static func softmaxOverColumns(_ logits: Tensor) -> Tensor {
        let exponentials = (logits - extremes(logits, alongRows: true)).exp()
        return exponentials / exponentials.sum(axes: [1], keepDims: true)
    }

    /// softmax of each column of `logits` [r, c] over its rows on every rank together: exp of
    /// the logits less the global column maximum, over the column sums added across ranks.
    public static func softmaxOverRows(_ logits: Tensor, columnSum: (Tensor) -> Tensor, columnMax: (Tensor) -> Tensor) -> Tensor {
        let shift = withoutGradients { columnMax(extremes(logits, alongRows: false)) }
        let exponentials = (logits - shift).exp()
        return exponentials / columnSum(exponentials.sum(axes: [0], keepDims: true))
    }

    /// The largest entry of each row ([r, 1], `alongRows`) or column ([1, c]) of a matrix, as
    /// a constant (no graph): softmax does not depend on it.
    static func extremes(_ matrix: Tensor, alongRows: Bool) -> Tensor {
        let (r, c) = (matrix.shape[0], matrix.shape[1])
        let values = matrix.scalars
        var result = [Float](repeating: -.infinity, count: alongRows ? r : c)
        for i in 0..<r {
            for j in 0..<c {
                let k = alongRows ? i : j
                result[k] = Swift.max(result[k], values[i * c + j])
            }
        }
        return Tensor(shape: alongRows ? [r, 1] : [1, c], scalars: result)
    }
}
