import Autograd

/// MonoFlow (Yi et al. 2023): the critic is a logistic classifier of real against
/// generated samples, so its logit d(x) estimates log p_data(x)/p_g(x), and the
/// generator minimizes −E h(d(G(z))) for a monotone increasing h. Each case is one
/// h of the reference `train_gan.py` (`--method`).
public enum MonoFlowTransform: String, CaseIterable, Sendable {
    /// h(d) = log σ(d): the non-saturating GAN generator.
    case ns
    /// h(d) = −log(1 − σ(d + C)): the original (saturating) GAN generator, its
    /// flat start moved by the shift C.
    case vanilla
    /// h(d) = d.
    case logit
    /// h(d) = arcsinh(d).
    case arcsinh

    /// The generator's loss per sample, −h(d), shape [n], from critic logits `d`
    /// ([n] or [n, 1]); `shift` is C of `vanilla` (unused by the others).
    public func generatorTerms(logits d: Tensor, shift: Float) -> Tensor {
        let d = d.rank == 1 ? d : d.reshaped([d.shape[0]])
        switch self {
        case .ns: return (-d).softplus()  // −log σ(d)
        case .vanilla: return -(d + shift).softplus()  // log(1 − σ(d + C))
        case .logit: return -d
        case .arcsinh: return -d.asinh()
        }
    }

    /// The critic's loss per sample pair: binary cross-entropy on logits, real labelled
    /// 1 and generated 0 (softplus(−d(real)) + softplus(d(fake))).
    public static func criticTerms(real: Tensor, fake: Tensor) -> Tensor {
        Objective.nonSaturating.criticTerms(real: real, fake: fake)
    }
}
