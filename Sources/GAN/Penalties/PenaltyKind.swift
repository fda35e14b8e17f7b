/// The critic regularizer a configuration names (`loss.penalty`).
public enum PenaltyKind: String, CaseIterable, Sendable {
    /// WGAN-GP's gradient penalty at interpolates.
    case gp
    /// Zero-centred gradient penalty on real samples.
    case r1
    /// Zero-centred gradient penalty on generated samples.
    case r2
    /// DRAGAN's penalty around perturbed real samples.
    case dragan
    /// Weight clipping after each critic update (the original WGAN).
    case clip
    case none
}
