import Autograd
import Foundation
import GAN
import MPI
import NN

/// One critic update and one generator update, as every rank runs them.
extension Trainer {
    /// This rank's rows of the global batch of critic update `criticStep`.
    func realBatch() -> Tensor {
        let batch = dataset.batch(at: sampler.localIndices(step: criticStep, rank: comm.rank))
        return config.model == "mlp" ? batch.flattenedBatch() : batch
    }

    /// Latent vectors of this rank's rows: row r is global sample shard.lowerBound + r.
    func latents(_ purpose: String, step: Int) -> Tensor {
        RandomStream(seed: config.seed, purpose: purpose, step: step).normal(rows: shard.count, columns: config.latentDimension, firstRow: shard.lowerBound)
    }

    /// A critic update on a fresh global batch: objective plus penalty, gradients summed
    /// across ranks, the critic's optimizer at its own learning rate.
    func updateCritic() throws {
        let real = realBatch()
        let fake = withoutGradients { generator(latents("z.critic", step: criticStep)) }
        let n = real.shape[0]
        let outputs = critic(concat([real, fake], axis: 0))
        let (outputsReal, outputsFake) = (outputs.slice(axis: 0, 0..<n), outputs.slice(axis: 0, n..<(2 * n)))
        let share = 1 / Float(config.batchSize)
        let objectiveTerm = config.objective.criticTerms(real: outputsReal, fake: outputsFake).sum() * share
        var loss = objectiveTerm
        var penaltyValue: Float = 0
        if let penalty = regularizer.penalty, penalty.isActive(atCriticStep: criticStep) {
            let inputs = PenaltyInputs(
                critic: criticFunction, real: real, fake: fake, seed: config.seed, criticStep: criticStep, firstRow: shard.lowerBound,
                sumAcrossRanks: sumAcrossRanks)
            let term = penalty.terms(inputs).sum() * share
            penaltyValue = term.item
            loss = loss + term
        }
        if options.debugChecks { try checkLoss(loss.item, network: "critic") }
        criticOptimizer.learningRate = criticSchedule.rate(base: config.criticOptimizer.learningRate, step: step)
        try update(
            criticParameters, with: Autograd.gradients(of: loss, wrt: criticParameters.map(\.tensor)), sync: criticSync,
            optimizer: criticOptimizer, network: "critic")
        regularizer.clipping?.apply(to: criticParameters.map(\.tensor))

        window.criticLoss += Double(objectiveTerm.item)
        window.penalty += Double(penaltyValue)
        window.distance += Double(withoutGradients { (outputsReal.sum() - outputsFake.sum()).item } * share)
        window.criticUpdates += 1
        criticStep += 1
    }

    /// A generator update: the critic's verdict on fresh samples, gradients for the
    /// generator only, summed across ranks; then the moving average.
    func updateGenerator() throws {
        let outputs = critic(generator(latents("z.generator", step: step)))
        let loss = config.objective.generatorTerms(fake: outputs).sum() * (1 / Float(config.batchSize))
        if options.debugChecks { try checkLoss(loss.item, network: "generator") }
        generatorOptimizer.learningRate = generatorSchedule.rate(base: config.generatorOptimizer.learningRate, step: step)
        try update(
            generatorParameters, with: Autograd.gradients(of: loss, wrt: generatorParameters.map(\.tensor)), sync: generatorSync,
            optimizer: generatorOptimizer, network: "generator")
        ema?.update(from: generator, step: step, batchSize: config.batchSize)
        step += 1
        window.generatorLoss += Double(loss.item)
        window.generatorUpdates += 1
    }

    /// Sums statistics over ranks for penalties that need global-batch values.
    private var sumAcrossRanks: ([Double]) -> [Double] {
        let comm = self.comm
        return { values in
            var sums = values
            do {
                try comm.allreduce(&sums, .sum)
            } catch {
                FileHandle.standardError.write(Data("error: rank \(comm.rank): \(error)\n".utf8))
                comm.abort(code: 2)
            }
            return sums
        }
    }

    /// Sums this rank's gradients with the others' and applies one optimizer step. On one
    /// rank: the whole update. On several: each rank gets the summed gradient of its share
    /// of the elements (reduce-scatter), updates that share, and the new values are
    /// exchanged (allgather), so the optimizer's work is split across the ranks.
    private func update(
        _ parameters: [(name: String, tensor: Tensor)], with gradients: [Tensor], sync: GradientSynchronizer,
        optimizer: any Optimizer, network: String
    ) throws {
        let sharded = comm.size > 1
        let summed = sharded ? try sync.reduceScatter(gradients) : try sync.synchronize(gradients)
        // Each rank sees its share of the sum when sharded, so the verdict is agreed across ranks.
        let local = nonFinite(sync, elements: sync.ownShard, parameters: parameters)
        if let problem = sharded ? try agreedProblem(local) : local {
            guard skippedUpdates < config.skipNonFinite else {
                throw TrainingError.nonFinite(step: step + 1, network: network, what: problem)
            }
            skippedUpdates += 1
            say("warning: step \(step + 1): \(network) \(problem) is not finite; update skipped (\(skippedUpdates) of \(config.skipNonFinite) allowed)")
            return
        }
        if sharded {
            optimizer.step(gradients: summed, elements: sync.ownShard)
            try sync.allgather(parameters.map(\.tensor))
        } else {
            optimizer.step(gradients: summed)
        }
    }

    /// The first rank's description of a non-finite gradient, on every rank, or nil when all are finite.
    private func agreedProblem(_ local: String?) throws -> String? {
        guard try comm.any(local != nil) else { return nil }
        let messages = try comm.allgatherv(Array((local ?? "").utf8))
        return messages.first { !$0.isEmpty }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// "gradient of '<parameter>'" for the first NaN or infinity among `elements` of the summed gradient.
    private func nonFinite(_ sync: GradientSynchronizer, elements: Range<Int>, parameters: [(name: String, tensor: Tensor)]) -> String? {
        let bad = sync.withFlatValues { values in
            VectorLoop.firstNonFinite(values.baseAddress! + elements.lowerBound, count: elements.count).map { elements.lowerBound + $0 }
        }
        return bad.map { "gradient of '\(parameters[sync.parameterIndex(ofElement: $0)].name)'" }
    }

    /// Debug mode: a rank's own loss is checked before anything is summed.
    private func checkLoss(_ value: Float, network: String) throws {
        try comm.agree {
            if !value.isFinite { throw TrainingError.nonFinite(step: step + 1, network: network, what: "loss on rank \(comm.rank)") }
        }
    }
}
