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
    public let parameters: FlatParameters
    /// Nil without momentum.
    private let momentumBuffer: Tensor?

    /// Throws for negative settings, and for Nesterov without momentum or with dampening (as PyTorch does).
    public init(
        parameters: FlatParameters, learningRate: Float, momentum: Float = 0, dampening: Float = 0,
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
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        momentumBuffer = momentum > 0 ? parameters.zeroState() : nil
    }

    /// SGD over `parameters`, which move into a flat buffer of their own.
    public convenience init(
        parameters: NamedTensors, learningRate: Float, momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false,
        weightDecay: Float = 0
    ) throws(OptimizerError) {
        try self.init(
            parameters: FlatParameters(parameters), learningRate: learningRate, momentum: momentum, dampening: dampening,
            nesterov: nesterov, weightDecay: weightDecay)
    }

    public func step(elements: Range<Int>) {
        let (lr, mu, wd, firstStep, nesterov) = (learningRate, momentum, weightDecay, stepCount == 0, nesterov)
        let damping = 1 - dampening
        stepCount += 1
        parameters.gradients.withScalars { g in
            parameters.values.withMutableScalars { p in
                guard let momentumBuffer else {
                    for i in elements { p[i] -= lr * (g[i] + wd * p[i]) }
                    return
                }
                momentumBuffer.withMutableScalars { b in
                    for i in elements {
                        let d = g[i] + wd * p[i]
                        b[i] = firstStep ? d : mu * b[i] + damping * d
                        p[i] -= lr * (nesterov ? d + mu * b[i] : b[i])
                    }
                }
            }
        }
    }

    public var flatState: [Tensor] { momentumBuffer.map { [$0] } ?? [] }

    public func stateTensors() -> NamedTensors {
        namedState + [stepEntry(stepCount)]
    }

    public func loadState(_ state: [String: Tensor]) throws(OptimizerError) {
        stepCount = try restoreOptimizerState(state, into: namedState)
    }

    private var namedState: NamedTensors {
        momentumBuffer.map { parameters.namedViews(of: $0, kind: "momentum_buffer") } ?? []
    }
}
