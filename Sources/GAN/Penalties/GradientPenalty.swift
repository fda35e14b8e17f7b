import Autograd

/// WGAN-GP (Gulrajani et al. 2017): weight · (‖∇D(x̂)‖₂ − 1)² at x̂ = α·real + (1 − α)·fake,
/// α ~ U[0, 1) per sample. One-sided: only norms above 1 are penalized (max(0, ‖∇D‖ − 1)²).
public struct GradientPenalty: CriticPenalty {
    public let weight: Float
    public let oneSided: Bool

    public init(weight: Float, oneSided: Bool = false) {
        self.weight = weight
        self.oneSided = oneSided
    }

    public func terms(_ inputs: PenaltyInputs) -> Tensor {
        let alpha = inputs.perSampleUniform("gp.alpha").reshaped(columnShape(inputs.real))
        let interpolates = withoutGradients { alpha * inputs.real + (1 - alpha) * inputs.fake }
        let excess = inputGradientNorms(critic: inputs.critic, at: interpolates) - 1
        return (oneSided ? excess.relu() : excess).square() * weight
    }
}

/// The shape [n, 1, ...] that broadcasts one value per sample over a batch like `batch`.
func columnShape(_ batch: Tensor) -> [Int] {
    [batch.shape[0]] + Array(repeating: 1, count: batch.rank - 1)
}
