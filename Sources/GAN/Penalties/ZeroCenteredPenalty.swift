import Autograd

/// Zero-centred gradient penalties (Mescheder et al. 2018): γ/2 · ‖∇D(x)‖₂²
/// on real samples (R1) or on generated ones (R2). `gamma` is the paper's γ.
public struct ZeroCenteredPenalty: CriticPenalty {
    public enum Side: String, Sendable { case real, fake }

    public let gamma: Float
    public let side: Side

    public init(gamma: Float, on side: Side) {
        self.gamma = gamma
        self.side = side
    }

    public func terms(_ inputs: PenaltyInputs) -> Tensor {
        let points = side == .real ? inputs.real : inputs.fake
        return inputGradientNorms(critic: inputs.critic, at: points).square() * (gamma / 2)
    }
}
