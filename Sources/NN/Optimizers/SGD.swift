import Autograd

/// Stochastic gradient descent as PyTorch's `torch.optim.SGD`: with weight decay
/// d = g + wd·p; with momentum the buffer b starts as d and then b ← μ·b + (1 − dampening)·d,
/// the step uses b (or d + μ·b with Nesterov); p ← p − lr·step.
/// State: "<param>.momentum_buffer" when momentum > 0, and "step".
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let dampening: Float
    public let nesterov: Bool
    public let weightDecay: Float
    public private(set) var stepCount = 0
    private let parameters: OptimizedParameters
    /// Empty without momentum.
    private let momentumBuffers: [Tensor]

    /// Throws for negative settings, and for Nesterov without momentum or with dampening (as PyTorch does).
    public init(
        parameters: [(name: String, tensor: Tensor)], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
        nesterov: Bool = false, weightDecay: Float = 0
    ) throws(OptimizerError) {
        try requireHyperparameter("learning rate", learningRate)
        try requireHyperparameter("momentum", momentum)
        try requireHyperparameter("dampening", dampening)
        try requireHyperparameter("weight decay", weightDecay)
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw OptimizerError.invalidHyperparameter(
                name: "nesterov", value: momentum, expected: "momentum > 0 and dampening 0 with Nesterov momentum")
        }
        self.parameters = OptimizedParameters(parameters)
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        momentumBuffers = momentum > 0 ? self.parameters.zerosLikeParameters() : []
    }

    public func step(gradients: [Tensor]) {
        step(gradients: gradients, elements: 0..<parameters.elementCount)
    }

    public func step(gradients: [Tensor], elements: Range<Int>) {
        parameters.checkGradients(gradients, optimizer: "SGD")
        let (lr, mu, wd, firstStep) = (learningRate, momentum, weightDecay, stepCount == 0)
        let damping = 1 - dampening
        for (index, range) in parameters.segments(within: elements) {
            gradients[index].withScalars { g in
                parameters.tensors[index].withMutableScalars { p in
                    guard mu > 0 else {
                        for i in range { p[i] -= lr * (g[i] + wd * p[i]) }
                        return
                    }
                    momentumBuffers[index].withMutableScalars { b in
                        for i in range {
                            let d = g[i] + wd * p[i]
                            b[i] = firstStep ? d : mu * b[i] + damping * d
                            p[i] -= lr * (nesterov ? d + mu * b[i] : b[i])
                        }
                    }
                }
            }
        }
        stepCount += 1
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] {
        parameters.named("momentum_buffer", momentumBuffers) + [stepEntry(stepCount)]
    }

    public func loadState(_ state: [String: Tensor]) throws(OptimizerError) {
        stepCount = try restoreOptimizerState(state, into: parameters.named("momentum_buffer", momentumBuffers))
    }
}
