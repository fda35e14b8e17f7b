import Autograd
import MPI
import NN

/// The one update path every network takes: gradients of the loss into each
/// network's flat buffer, reduce-scatter (each rank holds its share of the
/// global-batch gradient), an agreed finite check, the network's per-tensor gradient
/// clipping if it has one, the optimizer on this rank's share at the scheduled learning
/// rate (times the network's `learningRateScale`), allgather of the new values, then
/// the network's constraint. All ranks make the same calls in the same order.
final class NetworkUpdater {
    let comm: any Communicator
    /// Non-finite updates that may be skipped before the run stops.
    let skipLimit: Int
    private(set) var skipped = 0
    /// Debug mode: check the loss before summing and compare ranks after every update.
    let debugChecks: Bool
    let say: (String) -> Void

    init(comm: any Communicator, skipLimit: Int, debugChecks: Bool, say: @escaping (String) -> Void) {
        self.comm = comm
        self.skipLimit = skipLimit
        self.debugChecks = debugChecks
        self.say = say
    }

    /// Updates `networks` together from `loss` (this rank's share of the global loss) at
    /// iteration `step`. Returns false when a non-finite gradient skipped the update.
    func update(_ networks: [Network], from loss: Tensor, step: Int) throws -> Bool {
        if debugChecks { try checkFinite(loss, step: step, networks: networks) }
        let all = networks.flatMap(\.parameters.named.tensors)
        var gradients = ArraySlice(Autograd.gradients(of: loss, wrt: all))
        for network in networks {
            let count = network.parameters.named.count
            network.parameters.setGradients(Array(gradients.prefix(count)))
            gradients = gradients.dropFirst(count)
            try network.synchronizer.reduceScatter()
        }
        for network in networks {
            if let problem = try network.synchronizer.nonFiniteGradient() {
                guard skipped < skipLimit else { throw TrainingError.nonFinite(step: step + 1, network: network.name, what: problem) }
                skipped += 1
                say("warning: step \(step + 1): \(network.name) \(problem) is not finite; update skipped (\(skipped) of \(skipLimit) allowed)")
                return false
            }
        }
        for network in networks {
            try network.clipping?.apply(to: network.parameters, share: network.synchronizer.ownShare, comm: comm)
            network.optimizer.learningRate = network.schedule.rate(base: network.settings.learningRate, step: step) * network.learningRateScale
            network.optimizer.step(elements: network.synchronizer.ownShare)
            try network.synchronizer.allgather(network.parameters.values)
            network.constraint?.apply(to: network.parameters)
            if debugChecks { try checkRanksAgree(network, step: step) }
        }
        return true
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
