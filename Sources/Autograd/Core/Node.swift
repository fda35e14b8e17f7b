/// What a backward rule receives: the gradient of the loss with respect to the
/// op's output, the output itself, the op's differentiable inputs, and which of
/// those inputs need a gradient at all (the rule returns nil for the others).
public struct BackwardContext {
    public let gradient: Tensor
    public let output: Tensor
    public let inputs: [Tensor]
    public let needs: [Bool]

    /// Whether input `i`'s gradient is wanted.
    @inline(__always)
    public func needs(_ i: Int) -> Bool { needs[i] }
}

/// A backward rule: gradients for each input, written with Tensor ops so that
/// with `createGraph` they are recorded and can be differentiated again.
public typealias BackwardRule = (BackwardContext) -> [Tensor?]

/// One recorded op: its name, the inputs gradients flow to, and its backward rule.
/// Values the rule needs but must not differentiate through (masks, shapes) live
/// in the rule's closure, not in `inputs`.
final class Node {
    let op: String
    private(set) var inputs: [Tensor]
    private(set) var rule: BackwardRule?

    init(op: String, inputs: [Tensor], rule: @escaping BackwardRule) {
        self.op = op
        self.inputs = inputs
        self.rule = rule
    }

    /// Drops the inputs and the rule (and what it holds) once backward has used them.
    func release() {
        inputs = []
        rule = nil
    }

    var isReleased: Bool { rule == nil }
}

extension Tensor {
    /// Records `op` as this tensor's origin when recording is on and some input
    /// requires gradients; returns self. Every op ends with this.
    @inline(__always)
    func recorded(_ op: String, _ inputs: [Tensor], _ rule: @escaping BackwardRule) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.requiresGrad }) else { return self }
        gradFn = Node(op: op, inputs: inputs, rule: rule)
        requiresGrad = true
        return self
    }
}
