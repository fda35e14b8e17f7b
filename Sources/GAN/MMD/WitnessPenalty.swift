import Autograd

/// MMD GAN's gradient penalty on the witness function: at x̂ = (1 − α)·real + α·fake
/// (α per sample), the witness w(x̂) = mean_j k(h(x̂), h(x_j)) − mean_j k(h(x̂), h(y_j))
/// against the real and generated features of the whole batch, and per sample
/// (‖∇_x̂ w(x̂)‖ − 1)² with the reference's `safer_norm` (√(Σg² + 10⁻⁵)). The gradient
/// is taken with createGraph, so the terms differentiate into the critic's parameters,
/// including through the batch features (which may come from a differentiable gather).
public struct WitnessPenalty: Sendable {
    public let kernel: MixedRationalQuadraticKernel
    /// Added under the square root of the norm (the reference's 1e-5).
    public let normEpsilon: Float

    public init(kernel: MixedRationalQuadraticKernel = MixedRationalQuadraticKernel(), normEpsilon: Float = 1e-5) {
        self.kernel = kernel
        self.normEpsilon = normEpsilon
    }

    /// The interpolates (1 − α)·real + α·fake, α [n] broadcast over each sample; no graph.
    public static func interpolates(real: Tensor, fake: Tensor, alpha: Tensor) -> Tensor {
        let column = alpha.reshaped([real.shape[0]] + Array(repeating: 1, count: real.rank - 1))
        return withoutGradients { (1 - column) * real + column * fake }
    }

    /// The penalty per interpolate, shape [n]; `critic` maps samples to features.
    public func terms(critic: (Tensor) -> Tensor, at interpolates: Tensor, realFeatures: Tensor, fakeFeatures: Tensor) -> Tensor {
        let x = interpolates.requiringGrad()
        let witness = kernel.witness(at: critic(x), real: realFeatures, fake: fakeFeatures)
        let gradient = gradients(of: witness.sum(), wrt: [x], createGraph: true)[0].flattenedBatch()
        return ((gradient.square().sum(axes: [1]) + normEpsilon).sqrt() - 1).square()
    }
}
