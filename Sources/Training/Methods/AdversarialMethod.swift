import Autograd
import GAN
import NN

/// A generator trained against a critic (Goodfellow et al.; WGAN and its
/// descendants): `n_critic` critic updates on the objective's critic terms plus
/// an optional penalty (gp, R1, R2, DRAGAN, lazy) or weight clipping, then one
/// generator update on the objective's generator terms; TTUR is two learning
/// rates, SNGAN spectral norm in the critic, EMA a moving average of the generator,
/// DiffAugment and ADA an augmentation of every critic input (`augment.*`).
public final class AdversarialMethod: MethodDefinition {
    public let generator: Network
    public let critic: Network
    let config: TrainingConfiguration
    let sampleShape: [Int]
    let penalty: LazyPenalty?
    /// DiffAugment or ADA, when `augment.kind` names one.
    public let augmentation: CriticAugmentation?

    static var configKeys: [ConfigKey] { AugmentSettings.keys }

    static func validate(_ config: TrainingConfiguration) throws {
        _ = try AugmentSettings(config)
    }

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
        let augment = try AugmentSettings(config)
        try augment.check(sampleShape: sampleShape, config: config)
        augmentation = CriticAugmentation(augment)
    }

    public var networks: [Network] { [generator, critic] }

    public func phases(at step: Int) -> [Phase] {
        Phase.criticThenGenerator(critic: critic, generator: generator, criticSteps: config.criticSteps, criticLoss: criticLoss, generatorLoss: generatorLoss)
    }

    /// The objective's critic terms on real and fresh generated samples (one forward for
    /// both), plus the penalty; logs the objective, the penalty and mean D(real) − D(fake).
    /// With augmentation the critic sees augmented inputs, and the penalty's gradient is
    /// taken with respect to the un-augmented points, through the augmentation.
    func criticLoss(_ context: StepContext) -> PhaseLoss {
        let real = context.realBatch()
        let fake = withoutGradients { generator.module(context.normal(columns: config.latentDimension)) }
        let n = real.shape[0]
        let outputs = critic.module(concat([seen(real, .real, context), seen(fake, .fake, context)], axis: 0))
        let (outputsReal, outputsFake) = (outputs.slice(axis: 0, 0..<n), outputs.slice(axis: 0, n..<(2 * n)))
        let augmentLogged = augmentation?.observe(realOutputs: outputsReal, context) ?? []
        let objective = config.objective.criticTerms(real: outputsReal, fake: outputsFake).sum() * context.share
        var total = objective
        var penaltyValue: Float = 0
        if let penalty, penalty.isActive(atCriticStep: context.phaseStep) {
            let critic = critic.module
            let inputs = PenaltyInputs(
                critic: { critic(self.seen($0, .penalty, context)) }, real: real, fake: fake, seed: context.seed, criticStep: context.phaseStep,
                firstRow: context.shard.lowerBound, sumAcrossRanks: context.collectives.sum)
            let term = penalty.terms(inputs).sum() * context.share
            penaltyValue = term.item
            total = total + term
        }
        let distance = withoutGradients { (outputsReal.sum() - outputsFake.sum()).item } * context.share
        return PhaseLoss(
            total: total,
            logged: [("critic_loss", Double(objective.item)), ("penalty", Double(penaltyValue)), ("critic_distance", Double(distance))] + augmentLogged)
    }

    /// The objective's generator terms on the critic's verdict of fresh samples.
    func generatorLoss(_ context: StepContext) -> PhaseLoss {
        let outputs = critic.module(seen(generator.module(context.normal(columns: config.latentDimension)), .generated, context))
        let loss = config.objective.generatorTerms(fake: outputs).sum() * context.share
        return PhaseLoss(total: loss, logged: [("generator_loss", Double(loss.item))])
    }

    /// `x` as the critic sees it: augmented, or as it is.
    func seen(_ x: Tensor, _ input: CriticAugmentation.Input, _ context: StepContext) -> Tensor {
        augmentation.map { $0(x, input, context) } ?? x
    }

    public var extraState: NamedTensors { augmentation?.state ?? [] }

    public func restoreExtraState(_ state: [String: Tensor]) throws {
        try augmentation?.restore(state)
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
