import Autograd
import GAN

/// The critic's regularization a configuration names: a penalty added to its loss
/// (optionally lazy), or weight clipping after its update.
public struct CriticRegularizer {
    public let penalty: LazyPenalty?
    public let clipping: WeightClipping?

    public init(_ config: TrainingConfiguration) {
        let base: (any CriticPenalty)?
        switch config.penalty {
        case "gp": base = GradientPenalty(weight: config.penaltyWeight, oneSided: config.oneSided)
        case "r1": base = ZeroCenteredPenalty(gamma: config.penaltyWeight, on: .real)
        case "r2": base = ZeroCenteredPenalty(gamma: config.penaltyWeight, on: .fake)
        case "dragan": base = DRAGANPenalty(weight: config.penaltyWeight)
        default: base = nil
        }
        penalty = base.map { LazyPenalty($0, every: config.penaltyEvery) }
        clipping = config.penalty == "clip" ? WeightClipping(limit: config.clipLimit) : nil
    }
}
