import Autograd

/// What a critic regularizer needs from the step that applies it.
public struct PenaltyInputs {
    /// The critic, applied to a batch.
    public let critic: (Tensor) -> Tensor
    /// This rank's real and generated samples (no graph), the same shape.
    public let real: Tensor
    public let fake: Tensor
    /// Randomness of this critic step: row r of a draw belongs to global sample `firstRow + r`.
    public let seed: UInt64
    public let criticStep: Int
    public let firstRow: Int
    /// Sums values over all ranks (identity on one rank): for statistics of the global batch.
    public let sumAcrossRanks: ([Double]) -> [Double]

    public init(
        critic: @escaping (Tensor) -> Tensor, real: Tensor, fake: Tensor, seed: UInt64, criticStep: Int, firstRow: Int,
        sumAcrossRanks: @escaping ([Double]) -> [Double] = { $0 }
    ) {
        self.critic = critic
        self.real = real
        self.fake = fake
        self.seed = seed
        self.criticStep = criticStep
        self.firstRow = firstRow
        self.sumAcrossRanks = sumAcrossRanks
    }

    /// One uniform number in [0, 1) per sample, keyed by the global sample index.
    func perSampleUniform(_ purpose: String) -> Tensor {
        RandomStream(seed: seed, purpose: purpose, step: criticStep).uniform(rows: real.shape[0], columns: 1, firstRow: firstRow)
    }
}

/// A regularizer of the critic that adds per-sample terms to its loss.
public protocol CriticPenalty {
    /// The weighted penalty per sample, shape [n], differentiable w.r.t. the critic's parameters.
    func terms(_ inputs: PenaltyInputs) -> Tensor
}

/// Per-sample Euclidean norm of ∂(Σ critic(x))/∂x, kept differentiable (createGraph)
/// so the penalty's own gradient reaches the critic's parameters. Samples are
/// independent in a critic without batch statistics, so summing the outputs
/// yields each sample's own input gradient.
func inputGradientNorms(critic: (Tensor) -> Tensor, at points: Tensor) -> Tensor {
    let x = points.requiringGrad()
    let gradient = gradients(of: critic(x).sum(), wrt: [x], createGraph: true)[0]
    return gradient.flattenedBatch().norm(axis: 1)
}
