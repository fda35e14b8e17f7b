import Autograd
import GAN
import NN

/// MonoFlow (Yi et al. 2023, mingxuan-yi/MonoFlow `train_gan.py`): a logistic critic
/// (binary cross-entropy on logits, real 1, generated 0), so its logit d estimates the
/// log density ratio log p_data/p_g, and a generator that minimizes −E h(d(G(z))) for a
/// monotone h (`monoflow.h`). As in the reference, each iteration draws the generated
/// samples once: the critic steps on them detached, then the generator step uses the
/// same latents (those of the iteration's last critic step) against the updated critic.
/// `loss.penalty` regularizes the critic as in the adversarial method (the reference
/// and the presets use none); EMA as there.
public final class MonoFlowMethod: MethodDefinition {
    public let generator: Network
    public let critic: Network
    let config: TrainingConfiguration
    let sampleShape: [Int]
    let transform: MonoFlowTransform
    let shift: Float
    let penalty: LazyPenalty?

    static let configKeys: [ConfigKey] = [
        ConfigSchema.key(
            "monoflow.h", "monoflow-h", .choice(of: MonoFlowTransform.self), .string("vanilla"),
            "MonoFlow: h of the generator loss −E h(d), d the critic's log density-ratio estimate: ns (log σ(d)), vanilla (−log(1 − σ(d + C))), logit (d), arcsinh."),
        ConfigSchema.key("monoflow.c", "monoflow-c", .float, .float(5), "MonoFlow: the shift C of h = vanilla (the reference's --C)."),
    ]

    static func validate(_ config: TrainingConfiguration) throws {
        let reader = ConfigReader(values: config.values)
        let _: MonoFlowTransform = try reader.choice("monoflow.h")
        _ = try reader.float("monoflow.c")
        try CommonKeyChecks.requireDefault("loss.objective", config, method: .monoflow, "its critic is logistic and monoflow.h sets the generator loss")
    }

    public init(_ setup: MethodSetup) throws {
        let (config, comm) = (setup.config, setup.comm)
        let models = try setup.models()
        let reader = ConfigReader(values: config.values)
        self.config = config
        sampleShape = setup.sampleShape
        transform = try reader.choice("monoflow.h")
        shift = try reader.float("monoflow.c")
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
        Phase.criticThenGenerator(critic: critic, generator: generator, criticSteps: config.criticSteps, criticLoss: criticLoss, generatorLoss: generatorLoss)
    }

    /// Binary cross-entropy of the logistic critic on real and (detached) generated
    /// samples, plus the configured penalty.
    func criticLoss(_ context: StepContext) -> PhaseLoss {
        let real = context.realBatch()
        let fake = withoutGradients { generator.module(context.normal(columns: config.latentDimension)) }
        let n = real.shape[0]
        let logits = critic.module(concat([real, fake], axis: 0))
        let terms = MonoFlowTransform.criticTerms(real: logits.slice(axis: 0, 0..<n), fake: logits.slice(axis: 0, n..<(2 * n)))
        let objective = terms.sum() * context.share
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
        return PhaseLoss(total: total, logged: [("critic_loss", Double(objective.item)), ("penalty", Double(penaltyValue))])
    }

    /// −h(d) on the samples of this iteration's last critic step, against the updated critic;
    /// also logs the mean log-ratio estimate d on them.
    func generatorLoss(_ context: StepContext) -> PhaseLoss {
        let lastCriticStep = (context.phaseStep + 1) * config.criticSteps - 1
        let latents = RandomStream(seed: context.seed, purpose: "z.critic", step: lastCriticStep).normal(
            rows: context.shard.count, columns: config.latentDimension, firstRow: context.shard.lowerBound)
        let logits = critic.module(generator.module(latents))
        let loss = transform.generatorTerms(logits: logits, shift: shift).sum() * context.share
        let logRatio = withoutGradients { logits.sum().item } * context.share
        return PhaseLoss(total: loss, logged: [("generator_loss", Double(loss.item)), ("log_ratio_fake", Double(logRatio))])
    }

    public func finishIteration(_ step: Int, collectives: Collectives) throws {
        generator.average?.update(from: generator.module, step: step, batchSize: config.batchSize)
    }

    public func sampleSource(averaged: Bool) throws -> any SampleSource {
        GeneratorSource(
            generator: averaged ? try generator.averagedModule() : generator.module, latentDimension: config.latentDimension,
            sampleShape: sampleShape)
    }

    /// The critic's logit, the log density-ratio estimate.
    public var pictureField: ((Tensor) -> Tensor)? {
        let critic = critic.module
        return { points in evaluating(critic) { withoutGradients { critic(points) } } }
    }
}
