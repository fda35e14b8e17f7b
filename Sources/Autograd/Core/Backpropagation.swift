/// Gradients of the scalar `loss` with respect to each of `targets` (PyTorch's
/// `torch.autograd.grad`). Does not touch any tensor's `.grad`.
///
/// - `createGraph`: record the backward computation itself, so the returned
///   gradients can be differentiated again (gradient penalties need this). The
///   graph is then kept; otherwise it is freed as backward walks it.
/// - A target that does not influence `loss` gets zeros of its shape.
public func gradients(of loss: Tensor, wrt targets: [Tensor], seed: Tensor? = nil, createGraph: Bool = false) -> [Tensor] {
    var pass = BackwardPass(root: loss, seed: seed, targets: targets, createGraph: createGraph, retainGraph: createGraph)
    return pass.run()
}

extension Tensor {
    /// Adds d(self)/d(leaf) into `.grad` of every leaf that requires gradients and
    /// that this scalar depends on, then frees the graph (unless `retainGraph`).
    public func backward(seed: Tensor? = nil, retainGraph: Bool = false) {
        var pass = BackwardPass(root: self, seed: seed, targets: nil, createGraph: false, retainGraph: retainGraph)
        _ = pass.run()
    }
}

/// One reverse sweep over the recorded graph below `root`.
struct BackwardPass {
    let root: Tensor
    let seed: Tensor?
    /// nil: accumulate into the leaves' `.grad` (backward()); else: return these gradients.
    let targets: [Tensor]?
    let createGraph: Bool
    let retainGraph: Bool
    /// When set, the targets' gradients go to the sink's destinations instead of being returned.
    var sink: GradientSink?
    private var gradientTable: [ObjectIdentifier: Tensor] = [:]
    private var owned = Set<ObjectIdentifier>()

    init(root: Tensor, seed: Tensor?, targets: [Tensor]?, createGraph: Bool, retainGraph: Bool) {
        self.root = root
        self.seed = seed
        self.targets = targets
        self.createGraph = createGraph
        self.retainGraph = retainGraph
    }

    mutating func run() -> [Tensor] {
        let targetIDs = Set((targets ?? []).map(ObjectIdentifier.init))
        guard root.requiresGrad else {
            if let sink { _ = SinkState(sink: sink, order: [], root: root, seed: nil) }
            return sink != nil ? [] : (targets ?? []).map { Tensor.zeros($0.shape) }
        }
        let seedGradient: Tensor
        if let seed {
            precondition(seed.shape == root.shape, "backward: seed shape \(seed.shape) differs from output shape \(root.shape)")
            seedGradient = seed
        } else {
            precondition(root.count == 1, "backward: the loss must have one element to seed it implicitly, shape is \(root.shape)")
            seedGradient = Tensor.ones(root.shape)
        }
        let order = topologicalOrder()
        var sinkState = sink.map { SinkState(sink: $0, order: order, root: root, seed: seedGradient) }
        let needed = neededTensors(order, targetIDs: targetIDs)
        gradientTable = [ObjectIdentifier(root): seedGradient]
        var results: [ObjectIdentifier: Tensor] = [:]

        GradMode.with(enabled: createGraph) {
            for tensor in order.reversed() {
                let id = ObjectIdentifier(tensor)
                let gradient = gradientTable.removeValue(forKey: id)
                guard let node = tensor.gradFn else {
                    if let gradient, targetIDs.contains(id) { results[id] = gradient }
                    if let gradient, targets == nil { accumulateIntoLeaf(tensor, gradient) }
                    continue
                }
                if let gradient, targetIDs.contains(id) { results[id] = gradient }
                let processed = gradient != nil && (targets == nil || needed.contains(id))
                if processed, let gradient { propagate(gradient, through: node, output: tensor, needed: needed, sink: &sinkState) }
                sinkState?.visited(node)
                if processed, !retainGraph { node.release() }
            }
        }
        if sink != nil { return [] }
        return (targets ?? []).map { results[ObjectIdentifier($0)] ?? Tensor.zeros($0.shape) }
    }

    /// Runs `node`'s backward rule and hands each input its share of `gradient`.
    private mutating func propagate(_ gradient: Tensor, through node: Node, output: Tensor, needed: Set<ObjectIdentifier>, sink: inout SinkState?) {
        guard let rule = node.rule else {
            fatalError(
                "backward: the graph through '\(node.op)' was already freed by an earlier backward; pass retainGraph: true to walk it twice")
        }
        let needs = node.inputs.map { $0.requiresGrad && (targets == nil || needed.contains(ObjectIdentifier($0))) }
        let inputGradients = rule(BackwardContext(gradient: gradient, output: output, inputs: node.inputs, needs: needs))
        precondition(inputGradients.count == node.inputs.count, "backward of '\(node.op)' returned \(inputGradients.count) gradients for \(node.inputs.count) inputs")
        for (input, inputGradient) in zip(node.inputs, inputGradients) {
            guard let inputGradient, input.requiresGrad else { continue }
            precondition(
                inputGradient.shape == input.shape,
                "backward of '\(node.op)': gradient shape \(inputGradient.shape) differs from input shape \(input.shape)")
            let inputID = ObjectIdentifier(input)
            if sink?.isTarget(inputID) == true {
                sink?.add(inputGradient, to: inputID)
            } else {
                accumulate(inputGradient, for: inputID)
            }
        }
    }

    /// Every tensor below `root` that requires gradients, inputs before the ops that use them.
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
        var stack: [(tensor: Tensor, next: Int)] = [(root, 0)]
        while !stack.isEmpty {
            let (tensor, next) = stack[stack.count - 1]
            if let node = tensor.gradFn, next < node.inputs.count {
                stack[stack.count - 1].next += 1
                let input = node.inputs[next]
                if input.requiresGrad, visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                stack.removeLast()
                order.append(tensor)
            }
        }
        return order
    }

    /// Tensors on a path from a target to the root: only their backward rules run.
    private func neededTensors(_ order: [Tensor], targetIDs: Set<ObjectIdentifier>) -> Set<ObjectIdentifier> {
        guard targets != nil else { return [] }
        var needed = targetIDs
        for tensor in order {
            guard let node = tensor.gradFn else { continue }
            if node.inputs.contains(where: { needed.contains(ObjectIdentifier($0)) }) {
                needed.insert(ObjectIdentifier(tensor))
            }
        }
        return needed
    }

    /// Sums gradient contributions; adds in place only into buffers this pass created.
    private mutating func accumulate(_ gradient: Tensor, for id: ObjectIdentifier) {
        guard let existing = gradientTable[id] else {
            gradientTable[id] = gradient
            return
        }
        if createGraph {
            gradientTable[id] = existing + gradient
        } else if owned.contains(id) {
            Kernels.addInPlace(existing.pointer, gradient.pointer, existing.count)
        } else {
            gradientTable[id] = existing + gradient
            owned.insert(id)
        }
    }

    private func accumulateIntoLeaf(_ leaf: Tensor, _ gradient: Tensor) {
        if let existing = leaf.grad {
            leaf.grad = withoutGradients { existing + gradient }
        } else {
            // A copy, not a view: rules pass one buffer to several inputs (add) and the
            // seed is the caller's, so a shared buffer would let an in-place write to
            // one .grad change another.
            leaf.grad = gradient.copy()
        }
    }
}
