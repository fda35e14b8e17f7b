import Autograd

/// An adversarial objective: what the critic minimizes on real and generated
/// samples, and what the generator minimizes on generated ones.
///
/// Losses come as per-sample terms (shape [n]) so a data-parallel trainer can
/// sum them and divide by the global batch size: the allreduced gradient is
/// then exactly the global mean, however unevenly the batch is split.
public enum Objective: String, CaseIterable, Sendable {
    /// WGAN (Arjovsky et al.): critic D(fake) − D(real), generator −D(fake).
    case wasserstein
    /// Hinge (Lim & Ye; SNGAN, BigGAN): critic relu(1 − D(real)) + relu(1 + D(fake)), generator −D(fake).
    case hinge
    /// Logistic, non-saturating generator (Goodfellow et al.; StyleGAN): critic softplus(−D(real)) + softplus(D(fake)), generator softplus(−D(fake)).
    case nonSaturating = "nonsaturating"
    /// The original minimax game, saturating generator: critic as non-saturating, generator −softplus(D(fake)).
    case minimax
    /// Least squares (Mao et al., labels 0/1): critic ½(D(real) − 1)² + ½D(fake)², generator ½(D(fake) − 1)².
    case leastSquares = "least-squares"

    /// The critic's loss per sample pair, shape [n]: `real` and `fake` are critic outputs ([n] or [n, 1]).
    public func criticTerms(real: Tensor, fake: Tensor) -> Tensor {
        let (r, f) = (Self.flat(real), Self.flat(fake))
        switch self {
        case .wasserstein: return f - r
        case .hinge: return (1 - r).relu() + (1 + f).relu()
        case .nonSaturating, .minimax: return (-r).softplus() + f.softplus()
        case .leastSquares: return ((r - 1).square() + f.square()) * 0.5
        }
    }

    /// The generator's loss per sample, shape [n], from critic outputs on generated samples.
    public func generatorTerms(fake: Tensor) -> Tensor {
        let f = Self.flat(fake)
        switch self {
        case .wasserstein, .hinge: return -f
        case .nonSaturating: return (-f).softplus()
        case .minimax: return -f.softplus()
        case .leastSquares: return (f - 1).square() * 0.5
        }
    }

    /// Mean critic loss over a batch.
    public func criticLoss(real: Tensor, fake: Tensor) -> Tensor { criticTerms(real: real, fake: fake).mean() }

    /// Mean generator loss over a batch.
    public func generatorLoss(fake: Tensor) -> Tensor { generatorTerms(fake: fake).mean() }

    private static func flat(_ output: Tensor) -> Tensor {
        precondition(output.rank == 1 || (output.rank == 2 && output.shape[1] == 1), "objective: critic outputs must be [n] or [n, 1], got \(output.shape)")
        return output.rank == 1 ? output : output.reshaped([output.shape[0]])
    }
}
