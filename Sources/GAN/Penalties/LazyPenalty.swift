import Autograd

/// Applies a penalty only every `interval` critic steps, scaled by `interval`
/// so its average strength is unchanged (StyleGAN2's lazy regularization).
public struct LazyPenalty: CriticPenalty {
    public let penalty: any CriticPenalty
    public let interval: Int

    public init(_ penalty: any CriticPenalty, every interval: Int) {
        precondition(interval >= 1, "LazyPenalty: interval must be at least 1")
        self.penalty = penalty
        self.interval = interval
    }

    /// Whether critic step `criticStep` (counted from 0) applies the penalty.
    public func isActive(atCriticStep criticStep: Int) -> Bool {
        criticStep % interval == 0
    }

    public func terms(_ inputs: PenaltyInputs) -> Tensor {
        penalty.terms(inputs) * Float(interval)
    }
}
