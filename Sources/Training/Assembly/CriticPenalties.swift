import GAN

/// The critic penalty a configuration names (none for weight clipping or none),
/// applied every `loss.penalty_every` critic steps.
enum CriticPenalties {
    static func make(_ config: TrainingConfiguration) -> LazyPenalty? {
        let base: (any CriticPenalty)?
        switch config.penalty {
        case .gp: base = GradientPenalty(weight: config.penaltyWeight, oneSided: config.oneSided)
        case .r1: base = ZeroCenteredPenalty(gamma: config.penaltyWeight, on: .real)
        case .r2: base = ZeroCenteredPenalty(gamma: config.penaltyWeight, on: .fake)
        case .dragan: base = DRAGANPenalty(weight: config.penaltyWeight)
        case .clip, .none: base = nil
        }
        return base.map { LazyPenalty($0, every: config.penaltyEvery) }
    }
}
