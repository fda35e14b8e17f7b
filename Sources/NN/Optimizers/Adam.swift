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
    private let parameters: OptimizedParameters
    private let firstMoments: [Tensor]
    private let secondMoments: [Tensor]

    /// Throws for a negative learning rate, eps or weight decay, or betas outside [0, 1).
    public init(
        parameters: [(name: String, tensor: Tensor)], learningRate: Float = 1e-3, betas: (Float, Float) = (0.9, 0.999),
        eps: Float = 1e-8, weightDecay: Float = 0, decoupled: Bool = false
    ) throws(OptimizerError) {
        try requireHyperparameter("learning rate", learningRate)
        try requireHyperparameter("eps", eps)
        try requireHyperparameter("weight decay", weightDecay)
        try requireAveragingFactor("beta1", betas.0)
        try requireAveragingFactor("beta2", betas.1)
        self.parameters = OptimizedParameters(parameters)
        self.learningRate = learningRate
        (beta1, beta2) = betas
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        firstMoments = self.parameters.zerosLikeParameters()
        secondMoments = self.parameters.zerosLikeParameters()
    }

    public func step(gradients: [Tensor]) {
        step(gradients: gradients, elements: 0..<parameters.elementCount)
    }

    public func step(gradients: [Tensor], elements: Range<Int>) {
        parameters.checkGradients(gradients, optimizer: "Adam")
        stepCount += 1
        // Scalars in Double, as PyTorch computes them in Python before the float kernels.
        let t = Double(stepCount)
        let stepSize = Float(Double(learningRate) / (1 - pow(Double(beta1), t)))
        let secondCorrection = Float((1 - pow(Double(beta2), t)).squareRoot())
        let keep1 = beta1, blend1 = Float(1 - Double(beta1))
        let keep2 = beta2, blend2 = Float(1 - Double(beta2))
        let decay = Float(1 - Double(learningRate) * Double(weightDecay))
        let l2 = decoupled ? 0 : weightDecay
        let (eps, decoupledDecay) = (eps, decoupled && weightDecay != 0)
        let kernel = AdamKernel(
            keep1: keep1, blend1: blend1, keep2: keep2, blend2: blend2, stepSize: stepSize, secondCorrection: secondCorrection,
            eps: eps, l2: l2, decay: decoupledDecay ? decay : 1)
        for (index, range) in parameters.segments(within: elements) {
            gradients[index].withScalars { g in
                parameters.tensors[index].withMutableScalars { p in
                    firstMoments[index].withMutableScalars { m in
                        secondMoments[index].withMutableScalars { v in
                            kernel.update(
                                UnsafeMutableBufferPointer(rebasing: p[range]), UnsafeMutableBufferPointer(rebasing: m[range]),
                                UnsafeMutableBufferPointer(rebasing: v[range]), UnsafeBufferPointer(rebasing: g[range]))
                        }
                    }
                }
            }
        }
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] {
        namedState + [stepEntry(stepCount)]
    }

    public func loadState(_ state: [String: Tensor]) throws(OptimizerError) {
        stepCount = try restoreOptimizerState(state, into: namedState)
    }

    /// Per parameter: exp_avg, then exp_avg_sq.
    private var namedState: [(name: String, tensor: Tensor)] {
        zip(parameters.named("exp_avg", firstMoments), parameters.named("exp_avg_sq", secondMoments)).flatMap { [$0, $1] }
    }
}
