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
    private let parameters: OptimizedParameters
    private let squareAverages: [Tensor]
    /// Empty without momentum.
    private let momentumBuffers: [Tensor]
    /// Empty unless centered.
    private let gradientAverages: [Tensor]

    /// Defaults are PyTorch's. Throws for negative settings or alpha outside [0, 1).
    public init(
        parameters: [(name: String, tensor: Tensor)], learningRate: Float = 1e-2, alpha: Float = 0.99, eps: Float = 1e-8,
        weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false
    ) throws(OptimizerError) {
        try requireHyperparameter("learning rate", learningRate)
        try requireHyperparameter("eps", eps)
        try requireHyperparameter("weight decay", weightDecay)
        try requireHyperparameter("momentum", momentum)
        try requireAveragingFactor("alpha", alpha)
        self.parameters = OptimizedParameters(parameters)
        self.learningRate = learningRate
        self.alpha = alpha
        self.eps = eps
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        squareAverages = self.parameters.zerosLikeParameters()
        momentumBuffers = momentum > 0 ? self.parameters.zerosLikeParameters() : []
        gradientAverages = centered ? self.parameters.zerosLikeParameters() : []
    }

    public func step(gradients: [Tensor]) {
        step(gradients: gradients, elements: 0..<parameters.elementCount)
    }

    public func step(gradients: [Tensor], elements: Range<Int>) {
        parameters.checkGradients(gradients, optimizer: "RMSprop")
        let (lr, wd, mu, eps) = (learningRate, weightDecay, momentum, eps)
        let keep = alpha, blend = Float(1 - Double(alpha))
        for (index, range) in parameters.segments(within: elements) {
            let parameter = parameters.tensors[index]
            // Scratch for d and its denominator (indexed from the segment's start), so the
            // optional buffers are visited one at a time.
            let start = range.lowerBound
            var direction = [Float](repeating: 0, count: range.count)
            var denominator = [Float](repeating: 0, count: range.count)
            gradients[index].withScalars { g in
                parameter.withScalars { p in
                    for i in range { direction[i - start] = g[i] + wd * p[i] }
                }
            }
            squareAverages[index].withMutableScalars { s in
                for i in range {
                    s[i] = keep * s[i] + blend * direction[i - start] * direction[i - start]
                    denominator[i - start] = s[i]
                }
            }
            if centered {
                gradientAverages[index].withMutableScalars { a in
                    for i in range {
                        a[i] = keep * a[i] + blend * direction[i - start]
                        denominator[i - start] -= a[i] * a[i]
                    }
                }
            }
            for j in denominator.indices { denominator[j] = denominator[j].squareRoot() + eps }
            if mu > 0 {
                momentumBuffers[index].withMutableScalars { b in
                    for i in range {
                        b[i] = mu * b[i] + direction[i - start] / denominator[i - start]
                        direction[i - start] = b[i]
                    }
                }
            } else {
                for j in direction.indices { direction[j] /= denominator[j] }
            }
            parameter.withMutableScalars { p in
                for i in range { p[i] -= lr * direction[i - start] }
            }
        }
        stepCount += 1
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] {
        namedState + [stepEntry(stepCount)]
    }

    public func loadState(_ state: [String: Tensor]) throws(OptimizerError) {
        stepCount = try restoreOptimizerState(state, into: namedState)
    }

    /// Per parameter: square_avg, then momentum_buffer and grad_avg when kept.
    private var namedState: [(name: String, tensor: Tensor)] {
        parameters.names.indices.flatMap { index -> [(name: String, tensor: Tensor)] in
            let name = parameters.names[index]
            var entries = [(name: "\(name).square_avg", tensor: squareAverages[index])]
            if !momentumBuffers.isEmpty { entries.append((name: "\(name).momentum_buffer", tensor: momentumBuffers[index])) }
            if !gradientAverages.isEmpty { entries.append((name: "\(name).grad_avg", tensor: gradientAverages[index])) }
            return entries
        }
    }
}
