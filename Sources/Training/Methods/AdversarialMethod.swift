import Autograd
import GAN
import NN

/// A generator trained against a critic (Goodfellow et al.; WGAN and its
/// descendants): `n_critic` critic updates on the objective's critic terms plus
/// an optional penalty (gp, R1, R2, DRAGAN, lazy) or weight clipping, then one
/// generator update on the objective's generator terms; TTUR is two learning
/// rates, SNGAN spectral norm in the critic, EMA a moving average of the generator.
public final class AdversarialMethod: MethodDefinition {
    public let generator: Network
    public let critic: Network
    let config: TrainingConfiguration
    let sampleShape: [Int]
    let penalty: LazyPenalty?

    public init(_ setup: MethodSetup) throws {
        let (config, comm) = (setup.config, setup.comm)
        let models = try setup.models()
        self.config = config
        sampleShape = setup.sampleShape
        generator = try Network(
            name: "generator", metricsKey: "g", build: models.generator, settings: config.generatorOptimizer, steps: config.steps, comm: comm,
            average: config.ema?.schedule)
        critic = try Network(
            name: "critic", metricsKey: "d", build: models.critic, settings: config.criticOptimizer, steps: config.steps, comm: comm,
            constraint: config.penalty == .clip ? .clip(limit: config.clipLimit) : nil)
        penalty = CriticPenalties.make(config)
    }

    public var networks: [Network] { [generator, critic] }

    public func phases(at step: Int) -> [Phase] {
        [
            Phase(name: "critic", networks: [critic], repeats: config.criticSteps, loss: criticLoss),
            Phase(name: "generator", networks: [generator], loss: generatorLoss),
        ]
    }

    /// The objective's critic terms on real and fresh generated samples (one forward for
    /// both), plus the penalty; logs the objective, the penalty and mean D(real) − D(fake).
    func criticLoss(_ context: StepContext) -> PhaseLoss {
        let real = context.realBatch()
        let fake = withoutGradients { generator.module(context.normal(columns: config.latentDimension)) }
        let n = real.shape[0]
        let outputs = critic.module(concat([real, fake], axis: 0))
        let (outputsReal, outputsFake) = (outputs.slice(axis: 0, 0..<n), outputs.slice(axis: 0, n..<(2 * n)))
        let objective = config.objective.criticTerms(real: outputsReal, fake: outputsFake).sum() * context.share
        var total = objective
        var penaltyValue: Float = 0
        if let penalty, penalty.isActive(atCriticStep: context.phaseStep) {
            let critic = critic.module
            let inputs = PenaltyInputs(
                critic: { critic($0) }, real: real, fake: fake, seed: context.seed, criticStep: context.phaseStep,
                firstRow: context.shard.lowerBound, sumAcrossRanks: context.collectives.sum)
            let term = penalty.terms(inputs).sum() * context.share
            penaltyValue = term.item
            total = total + term
        }
        let distance = withoutGradients { (outputsReal.sum() - outputsFake.sum()).item } * context.share
        return PhaseLoss(
            total: total, logged: [("critic_loss", Double(objective.item)), ("penalty", Double(penaltyValue)), ("critic_distance", Double(distance))])
    }

    /// The objective's generator terms on the critic's verdict of fresh samples.
    func generatorLoss(_ context: StepContext) -> PhaseLoss {
        let outputs = critic.module(generator.module(context.normal(columns: config.latentDimension)))
        let loss = config.objective.generatorTerms(fake: outputs).sum() * context.share
        return PhaseLoss(total: loss, logged: [("generator_loss", Double(loss.item))])
    }

    public func finishIteration(_ step: Int, collectives: Collectives) throws {
        generator.average?.update(from: generator.module, step: step, batchSize: config.batchSize)
    }

    public func sampleSource(averaged: Bool) throws -> any SampleSource {
        GeneratorSource(
            generator: averaged ? try generator.averagedModule() : generator.module, latentDimension: config.latentDimension,
            sampleShape: sampleShape)
    }

    public var pictureField: ((Tensor) -> Tensor)? {
        let critic = critic.module
        return { points in evaluating(critic) { withoutGradients { critic(points) } } }
    }
}
