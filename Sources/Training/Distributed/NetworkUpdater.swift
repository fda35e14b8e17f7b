import Autograd
import MPI
import NN

/// The one update path every network takes: the backward pass writes each
/// network's gradients straight into its flat buffer; as the gradients of a bucket
/// (a run of parameters from the end of the layout) become final, its sum across
/// ranks starts on the gradient stream while the pass continues (or, without
/// overlap, the same buckets start after it); the update waits only for what is
/// still in flight; then an agreed finite check, the network's per-tensor gradient
/// clipping if it has one, the optimizer at the scheduled learning rate (times the
/// network's `learningRateScale`; on every element, or with the sharded split on this
/// rank's share followed by an allgather of the new values), and the network's constraint.
/// All ranks make the same calls in the same order.
final class NetworkUpdater {
    let comm: any Communicator
    let settings: CommunicationSettings
    let timeline: Timeline
    /// Non-finite updates that may be skipped before the run stops.
    let skipLimit: Int
    private(set) var skipped = 0
    /// Debug mode: check the loss before summing and compare ranks after every update.
    let debugChecks: Bool
    let say: (String) -> Void
    /// Runs the bucket reductions; nil on one rank.
    let stream: GradientStream?
    let scratch = ReductionScratch()
    var plans: [ObjectIdentifier: BucketPlan] = [:]
    /// Seconds the main thread spent waiting for gradient communication (the
    /// reductions still in flight after the backward pass, agreements, the sharded allgather).
    private(set) var exposedCommunicationSeconds = 0.0

    /// Every rank must call this (it duplicates the communicator for the gradient stream).
    init(
        comm: any Communicator, settings: CommunicationSettings, timeline: Timeline = .disabled, skipLimit: Int, debugChecks: Bool,
        say: @escaping (String) -> Void
    ) throws {
        self.comm = comm
        self.settings = settings
        self.timeline = timeline
        self.skipLimit = skipLimit
        self.debugChecks = debugChecks
        self.say = say
        guard comm.size > 1 else {
            stream = nil
            return
        }
        // Without MPI_THREAD_MULTIPLE the main thread runs the reductions itself, after the backward pass.
        let threads = !(comm is MPICommunicator) || MPIEnvironment.allowsConcurrentThreads
        if !threads && settings.overlap { say("warning: MPI does not provide MPI_THREAD_MULTIPLE; gradients are summed after the backward pass") }
        // Without overlap the sums start after the backward pass anyway: the main thread runs
        // them itself, without handing each bucket to another thread and back.
        stream = GradientStream(comm: try comm.duplicate(), timeline: timeline, onCallingThread: !threads || !settings.overlap)
    }

    deinit { stream?.stop() }

    /// Builds `phase`'s loss from `context` and updates its networks from it; returns the
    /// loss when the update was applied (nil when a non-finite gradient skipped it).
    func run(_ phase: Phase, context: StepContext, step: Int) throws -> PhaseLoss? {
        let start = Timeline.now
        let loss = try timeline.span("forward \(phase.name)") { try phase.loss(context) }
        let applied = try update(phase.networks, from: loss.total, step: step)
        timeline.record("\(phase.name) update \(context.phaseStep + 1)", from: start)
        return applied ? loss : nil
    }

    /// Updates `networks` together from `loss` (this rank's share of the global loss) at
    /// iteration `step`. Returns false when a non-finite gradient skipped the update.
    func update(_ networks: [Network], from loss: Tensor, step: Int) throws -> Bool {
        if debugChecks { try checkFinite(loss, step: step, networks: networks) }
        try sumGradients(of: loss, networks: networks)
        for network in networks {
            if let problem = try nonFiniteGradient(network) {
                guard skipped < skipLimit else { throw TrainingError.nonFinite(step: step + 1, network: network.name, what: problem) }
                skipped += 1
                say("warning: step \(step + 1): \(network.name) \(problem) is not finite; update skipped (\(skipped) of \(skipLimit) allowed)")
                return false
            }
        }
        let sharded = settings.split == .sharded && comm.size > 1
        for network in networks {
            // Sharded, a rank holds the sums of its share only; replicated, every rank holds them all.
            let share = sharded ? network.synchronizer.ownShare : 0..<network.parameters.layout.count
            try network.clipping?.apply(to: network.parameters, share: share, comm: sharded ? comm : LocalCommunicator())
            network.optimizer.learningRate = network.schedule.rate(base: network.settings.learningRate, step: step) * network.learningRateScale
            timeline.span("optimizer \(network.name)") { network.optimizer.step(elements: share) }
            if sharded { try exposed("allgather \(network.name)") { try network.synchronizer.allgather(network.parameters.values) } }
            network.constraint?.apply(to: network.parameters)
            if debugChecks { try checkRanksAgree(network, step: step) }
        }
        return true
    }

    /// The first non-finite element of `network`'s summed gradient, named, the same on every
    /// rank: replicated, every rank holds the same sums; sharded, the ranks agree on it.
    private func nonFiniteGradient(_ network: Network) throws -> String? {
        guard settings.split == .sharded && comm.size > 1 else {
            return network.synchronizer.firstNonFinite(in: 0..<network.parameters.layout.count)
        }
        return try exposed("agree on finite gradients") { try network.synchronizer.nonFiniteGradient() }
    }

    /// Runs `body` as communication the main thread waits for.
    func exposed<R>(_ name: String, _ body: () throws -> R) rethrows -> R {
        let start = Timeline.now
        defer {
            let end = Timeline.now
            exposedCommunicationSeconds += Double(end - start) * 1e-9
            timeline.record(name, from: start, to: end)
        }
        return try body()
    }

    /// Debug mode: a rank's own loss is checked before anything is summed.
    private func checkFinite(_ loss: Tensor, step: Int, networks: [Network]) throws {
        let value = loss.item
        try comm.agree {
            if !value.isFinite {
                throw TrainingError.nonFinite(step: step + 1, network: networks.map(\.name).joined(separator: "+"), what: "loss on rank \(comm.rank)")
            }
        }
    }

    /// Every rank holds bitwise the same parameters and buffers of `network`.
    func checkRanksAgree(_ network: Network, step: Int) throws {
        let hashes = try comm.allgather([parameterHash(network.module.stateDictionary().tensors)])
        let differing = hashes.indices.filter { hashes[$0] != hashes[0] }
        if !differing.isEmpty { throw TrainingError.ranksDiverged(step: step, network: network.name, ranks: differing) }
    }
}
