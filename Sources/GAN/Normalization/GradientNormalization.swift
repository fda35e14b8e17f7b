import Autograd

/// Which input-gradient normalization of a critic f (per sample, ∇ₓf over the whole
/// flattened sample).
public enum GradientNormalizationVariant: String, CaseIterable, Sendable {
    /// GraN (Bhaskara et al. 2022): f̂ = K·f·‖∇ₓf‖ / (‖∇ₓf‖² + ε), piecewise K-Lipschitz
    /// for piecewise-linear critics, bounded by ε where the critic is flat.
    case gran
    /// GN-GAN (Wu et al. 2021): f̂ = f / (‖∇ₓf‖ + |f|), in [−1, 1].
    case gn
}

/// Replaces a critic's value by its gradient-normalized value. ∇ₓf is taken with
/// createGraph, so the normalized value differentiates (twice) into the critic's
/// parameters (the critic step) and, through generated samples that carry their
/// graph, into the generator (the generator step). Samples must be independent in the
/// critic (no batch statistics): ∇ₓ Σf then gives each sample its own gradient.
public struct GradientNormalization: Sendable {
    public let variant: GradientNormalizationVariant
    /// K of GraN (GN has no K).
    public let lipschitz: Float
    /// ε of GraN.
    public let epsilon: Float

    public init(variant: GradientNormalizationVariant, lipschitz: Float = 1, epsilon: Float = 1e-4) {
        self.variant = variant
        self.lipschitz = lipschitz
        self.epsilon = epsilon
    }

    /// f̂ per sample, shape [n], at `points` ([n] + sample shape). Points without a graph
    /// (data, detached samples) become leaves; points with one (G(z)) keep it.
    public func normalized(_ critic: (Tensor) -> Tensor, at points: Tensor) -> Tensor {
        evaluate(critic, at: points).normalized
    }

    /// f̂ and ‖∇ₓf‖ per sample (the norms for diagnostics; both carry the graph).
    public func evaluate(_ critic: (Tensor) -> Tensor, at points: Tensor) -> (normalized: Tensor, gradientNorms: Tensor) {
        let x = points.requiresGrad ? points : points.requiringGrad()
        let output = critic(x)
        let f = output.reshaped([output.shape[0]])
        let norms = gradients(of: output.sum(), wrt: [x], createGraph: true)[0].flattenedBatch().norm(axis: 1)
        switch variant {
        case .gran: return (f * norms * lipschitz / (norms.square() + epsilon), norms)
        case .gn: return (f / (norms + f.abs()), norms)
        }
    }
}
