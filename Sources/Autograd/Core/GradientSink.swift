/// Writes each target's gradient into a tensor the caller owns and reports the moment
/// it is final, so a data-parallel trainer can start summing a parameter's gradient
/// across ranks while the backward pass is still computing the layers below it.
///
/// `gradients(of:into:)` adds every contribution to target i straight into
/// `destinations[i]` (a view of a network's flat gradient buffer): the first is copied,
/// later ones are added in place. Once the last op that uses target i has run, the
/// destination holds the full gradient and `ready(i)` is called; after that the pass
/// never touches it again. A target the loss does not depend on gets zeros and is
/// reported before the sweep starts. Targets are reported in reverse order of their
/// last use in the forward computation.
public struct GradientSink {
    public let targets: [Tensor]
    public let destinations: [Tensor]
    public let ready: (Int) -> Void

    /// `targets` must be leaves (parameters) and `destinations[i]` a tensor of
    /// `targets[i]`'s shape that no op reads during the pass.
    public init(targets: [Tensor], destinations: [Tensor], ready: @escaping (Int) -> Void) {
        precondition(targets.count == destinations.count, "GradientSink: \(destinations.count) destinations for \(targets.count) targets")
        for (target, destination) in zip(targets, destinations) {
            precondition(target.gradFn == nil, "GradientSink: targets must be leaves")
            precondition(target.shape == destination.shape, "GradientSink: destination of shape \(destination.shape) for a target of shape \(target.shape)")
        }
        self.targets = targets
        self.destinations = destinations
        self.ready = ready
    }
}

/// Computes the gradients of the scalar `loss` with respect to `sink.targets` without
/// building a graph, writing them into `sink.destinations` and calling `sink.ready` for
/// each target as soon as its gradient is final (see `GradientSink`).
public func gradients(of loss: Tensor, into sink: GradientSink) {
    var pass = BackwardPass(root: loss, seed: nil, targets: sink.targets, createGraph: false, retainGraph: false)
    pass.sink = sink
    _ = pass.run()
}

/// The bookkeeping of one pass with a sink: how many uses of each target are still to
/// be processed, and whether its destination has received a first contribution.
struct SinkState {
    let sink: GradientSink
    private let index: [ObjectIdentifier: Int]
    private var pending: [Int]
    private var written: [Bool]

    /// Counts, for each target, the edges into it from ops whose backward rule will be
    /// visited; reports (with zeros, or the seed when the root is a target) every
    /// target nothing depends on.
    init(sink: GradientSink, order: [Tensor], root: Tensor, seed: Tensor?) {
        self.sink = sink
        var index: [ObjectIdentifier: Int] = [:]
        for (i, target) in sink.targets.enumerated() { index[ObjectIdentifier(target)] = i }
        self.index = index
        pending = Array(repeating: 0, count: sink.targets.count)
        written = Array(repeating: false, count: sink.targets.count)
        for tensor in order {
            for input in tensor.gradFn?.inputs ?? [] {
                if let i = index[ObjectIdentifier(input)] { pending[i] += 1 }
            }
        }
        for i in sink.targets.indices where pending[i] == 0 {
            if sink.targets[i] === root, let seed { add(seed, to: i) }
            finish(i)
        }
    }

    /// Whether `id` is a target whose gradient goes to its destination.
    func isTarget(_ id: ObjectIdentifier) -> Bool { index[id] != nil }

    /// Adds one contribution to the target `id`'s destination.
    mutating func add(_ gradient: Tensor, to id: ObjectIdentifier) {
        if let i = index[id] { add(gradient, to: i) }
    }

    private mutating func add(_ gradient: Tensor, to i: Int) {
        let destination = sink.destinations[i]
        if written[i] {
            Kernels.addInPlace(destination.pointer, gradient.pointer, destination.count)
        } else {
            destination.pointer.update(from: gradient.pointer, count: destination.count)
            written[i] = true
        }
    }

    /// Called once `node`'s backward rule ran (or was skipped): its uses of targets are done.
    mutating func visited(_ node: Node) {
        for input in node.inputs {
            guard let i = index[ObjectIdentifier(input)] else { continue }
            pending[i] -= 1
            if pending[i] == 0 { finish(i) }
        }
    }

    private mutating func finish(_ i: Int) {
        if !written[i] { sink.destinations[i].pointer.update(repeating: 0, count: sink.destinations[i].count) }
        sink.destinations[i].storage.touch()
        sink.ready(i)
    }
}
