#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Autograd

/// Adam as PyTorch's `torch.optim.Adam` (weight decay added to the gradient, L2), or
/// `torch.optim.AdamW` when `decoupled` (p ← p·(1 − lr·wd) before the Adam step).
/// With t the step number: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
/// p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + eps).
/// State: "<param>.exp_avg", "<param>.exp_avg_sq", and "step".
/// Defaults are PyTorch's Adam defaults (weight decay 0 also when decoupled; AdamW's is 0.01).
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let eps: Float
    public let weightDecay: Float
    public let decoupled: Bool
    public private(set) var stepCount = 0
    public let parameters: FlatParameters
    private let firstMoments: Tensor
    private let secondMoments: Tensor

    /// Throws for a negative learning rate, eps or weight decay, or betas outside [0, 1).
    public init(
        parameters: FlatParameters, learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
        eps: Float = 1e-8, weightDecay: Float = 0, decoupled: Bool = false
    ) throws(OptimizerError) {
        try requireHyperparameter("learning rate", learningRate)
        try requireHyperparameter("eps", eps)
        try requireHyperparameter("weight decay", weightDecay)
        try requireAveragingFactor("beta1", betas.0)
        try requireAveragingFactor("beta2", betas.1)
        self.parameters = parameters
        self.learningRate = learningRate
        (beta1, beta2) = betas
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        firstMoments = parameters.zeroState()
        secondMoments = parameters.zeroState()
    }

    /// Adam over `parameters`, which move into a flat buffer of their own.
    public convenience init(
        parameters: NamedTensors, learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
        eps: Float = 1e-8, weightDecay: Float = 0, decoupled: Bool = false
    ) throws(OptimizerError) {
        try self.init(
            parameters: FlatParameters(parameters), learningRate: learningRate, betas: betas, eps: eps, weightDecay: weightDecay,
            decoupled: decoupled)
    }

    public func step(elements: Range<Int>) {
        stepCount += 1
        // Scalars in Double, as PyTorch computes them in Python before the float kernels.
        let t = Double(stepCount)
        let stepSize = Float(Double(learningRate) / (1 - pow(Double(beta1), t)))
        let secondCorrection = Float((1 - pow(Double(beta2), t)).squareRoot())
        let decay = Float(1 - Double(learningRate) * Double(weightDecay))
        let kernel = AdamKernel(
            keep1: beta1, blend1: Float(1 - Double(beta1)), keep2: beta2, blend2: Float(1 - Double(beta2)), stepSize: stepSize,
            secondCorrection: secondCorrection, eps: eps, l2: decoupled ? 0 : weightDecay,
            decay: decoupled && weightDecay != 0 ? decay : 1)
        guard !elements.isEmpty else { return }
        parameters.gradients.withScalars { g in
            parameters.values.withMutableScalars { p in
                firstMoments.withMutableScalars { m in
                    secondMoments.withMutableScalars { v in
                        kernel.update(
                            UnsafeMutableBufferPointer(rebasing: p[elements]), UnsafeMutableBufferPointer(rebasing: m[elements]),
                            UnsafeMutableBufferPointer(rebasing: v[elements]), UnsafeBufferPointer(rebasing: g[elements]))
                    }
                }
            }
        }
    }

    public var flatState: [Tensor] { [firstMoments, secondMoments] }

    public func stateTensors() -> NamedTensors {
        namedState + [stepEntry(stepCount)]
    }

    public func loadState(_ state: [String: Tensor]) throws(OptimizerError) {
        stepCount = try restoreOptimizerState(state, into: namedState)
    }

    /// Per parameter: exp_avg, then exp_avg_sq.
    private var namedState: NamedTensors {
        let first = parameters.namedViews(of: firstMoments, kind: "exp_avg")
        let second = parameters.namedViews(of: secondMoments, kind: "exp_avg_sq")
        return NamedTensors(zip(first, second).flatMap { [$0, $1] })
    }
}
