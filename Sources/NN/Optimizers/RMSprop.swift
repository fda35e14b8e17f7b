import Autograd

/// RMSprop as PyTorch's `torch.optim.RMSprop` (the original WGAN trains with lr 5e-5):
/// d = g + wd·p; s ← α·s + (1 − α)·d²; with `centered`, a ← α·a + (1 − α)·d and the
/// denominator is √(s − a²) + eps, else √s + eps; with momentum μ the buffer
/// b ← μ·b + d / denominator and p ← p − lr·b, else p ← p − lr·d / denominator.
/// State: "<param>.square_avg", "<param>.momentum_buffer" (momentum > 0),
/// "<param>.grad_avg" (centered), and "step".
public final class RMSprop: Optimizer {
    public var learningRate: Float
    public let alpha: Float
    public let eps: Float
    public let weightDecay: Float
    public let momentum: Float
    public let centered: Bool
    public private(set) var stepCount = 0
    public let parameters: FlatParameters
    private let squareAverage: Tensor
    /// Nil without momentum.
    private let momentumBuffer: Tensor?
    /// Nil unless centered.
    private let gradientAverage: Tensor?

    /// Defaults are PyTorch's. Throws for negative settings or alpha outside [0, 1).
    public init(
        parameters: FlatParameters, learningRate: Float = 1e-2, alpha: Float = 0.99, eps: Float = 1e-8,
        weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false
    ) throws(OptimizerError) {
        try requireHyperparameter("learning rate", learningRate)
        try requireHyperparameter("eps", eps)
        try requireHyperparameter("weight decay", weightDecay)
        try requireHyperparameter("momentum", momentum)
        try requireAveragingFactor("alpha", alpha)
        self.parameters = parameters
        self.learningRate = learningRate
        self.alpha = alpha
        self.eps = eps
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        squareAverage = parameters.zeroState()
        momentumBuffer = momentum > 0 ? parameters.zeroState() : nil
        gradientAverage = centered ? parameters.zeroState() : nil
    }

    /// RMSprop over `parameters`, which move into a flat buffer of their own.
    public convenience init(
        parameters: NamedTensors, learningRate: Float = 1e-2, alpha: Float = 0.99, eps: Float = 1e-8, weightDecay: Float = 0,
        momentum: Float = 0, centered: Bool = false
    ) throws(OptimizerError) {
        try self.init(
            parameters: FlatParameters(parameters), learningRate: learningRate, alpha: alpha, eps: eps, weightDecay: weightDecay,
            momentum: momentum, centered: centered)
    }

    public func step(elements: Range<Int>) {
        let (lr, wd, mu, eps) = (learningRate, weightDecay, momentum, eps)
        let keep = alpha, blend = Float(1 - Double(alpha))
        stepCount += 1
        let start = elements.lowerBound
        // Scratch for d and its denominator (indexed from the range's start), so the
        // optional buffers are visited one at a time.
        var direction = [Float](repeating: 0, count: elements.count)
        var denominator = [Float](repeating: 0, count: elements.count)
        parameters.gradients.withScalars { g in
            parameters.values.withScalars { p in
                for i in elements { direction[i - start] = g[i] + wd * p[i] }
            }
        }
        squareAverage.withMutableScalars { s in
            for i in elements {
                s[i] = keep * s[i] + blend * direction[i - start] * direction[i - start]
                denominator[i - start] = s[i]
            }
        }
        gradientAverage?.withMutableScalars { a in
            for i in elements {
                a[i] = keep * a[i] + blend * direction[i - start]
                denominator[i - start] -= a[i] * a[i]
            }
        }
        for j in denominator.indices { denominator[j] = denominator[j].squareRoot() + eps }
        if let momentumBuffer, mu > 0 {
            momentumBuffer.withMutableScalars { b in
                for i in elements {
                    b[i] = mu * b[i] + direction[i - start] / denominator[i - start]
                    direction[i - start] = b[i]
                }
            }
        } else {
            for j in direction.indices { direction[j] /= denominator[j] }
        }
        parameters.values.withMutableScalars { p in
            for i in elements { p[i] -= lr * direction[i - start] }
        }
    }

    public var flatState: [Tensor] { [squareAverage] + [momentumBuffer, gradientAverage].compactMap { $0 } }

    public func stateTensors() -> NamedTensors {
        namedState + [stepEntry(stepCount)]
    }

    public func loadState(_ state: [String: Tensor]) throws(OptimizerError) {
        stepCount = try restoreOptimizerState(state, into: namedState)
    }

    /// Per parameter: square_avg, then momentum_buffer and grad_avg when kept.
    private var namedState: NamedTensors {
        let kinds = [("square_avg", squareAverage), ("momentum_buffer", momentumBuffer), ("grad_avg", gradientAverage)]
        let views = kinds.compactMap { kind, flat in flat.map { parameters.namedViews(of: $0, kind: kind) } }
        return NamedTensors(parameters.layout.names.indices.flatMap { index in views.map { $0[index] } })
    }
}
