import Autograd
import GAN
import NN

/// A generator against a gradient-normalized critic: every critic value f(x) the
/// objective sees is replaced by f̂(x), GraN's K·f·‖∇ₓf‖/(‖∇ₓf‖² + ε) (Bhaskara et al.
/// 2022) or GN-GAN's f/(‖∇ₓf‖ + |f|) (Wu et al. 2021), with `loss.objective`
/// wasserstein, hinge or nonsaturating (logistic). f̂ needs each sample's input
/// gradient inside the forward pass, so both the critic and the generator step
/// differentiate twice. The normalization replaces any penalty (`loss.penalty: none`);
/// the critic must not have batch normalization. EMA as in the adversarial method.
/// (A method of its own rather than an adversarial option: it changes what "the
/// critic's value" is in both phases and excludes every penalty and clipping.)
public final class GraNMethod: MethodDefinition {
    public let generator: Network
    public let critic: Network
    let config: TrainingConfiguration
    let sampleShape: [Int]
    let normalization: GradientNormalization

    static let configKeys: [ConfigKey] = [
        ConfigSchema.key(
            "gran.variant", "gran-variant", .choice(of: GradientNormalizationVariant.self), .string("gran"),
            "gran: f̂ = K·f·‖∇f‖/(‖∇f‖² + ε) (GraN); gn: f̂ = f/(‖∇f‖ + |f|) (GN-GAN)."),
        ConfigSchema.key("gran.k", "gran-k", .float, .float(1), "GraN: the Lipschitz constant K of the normalized critic (positive)."),
        ConfigSchema.key("gran.epsilon", "gran-epsilon", .float, .float(1e-4), "GraN: ε in ‖∇f‖² + ε, bounding f̂ where the critic is flat (at least 0)."),
    ]

    /// The objectives GraN's critic values can feed.
    static let objectives: [Objective] = [.wasserstein, .hinge, .nonSaturating]

    static func validate(_ config: TrainingConfiguration) throws {
        _ = try normalization(config)
        guard objectives.contains(config.objective) else {
            throw ConfigError.invalidValue(
                origin: config.values.origin(of: "loss.objective"), key: "loss.objective",
                reason: "method gran takes \(objectives.map(\.rawValue).joined(separator: ", ")), got \(config.objective.rawValue)")
        }
        try CommonKeyChecks.requireNoPenalty(config, method: .gran, "the gradient normalization bounds the critic instead")
    }

    static func normalization(_ config: TrainingConfiguration) throws -> GradientNormalization {
        let reader = ConfigReader(values: config.values)
        return GradientNormalization(
            variant: try reader.choice("gran.variant"), lipschitz: try reader.float("gran.k", positive: true),
            epsilon: try reader.float("gran.epsilon", atLeast: 0))
    }

    public init(_ setup: MethodSetup) throws {
        let (config, comm) = (setup.config, setup.comm)
        let models = try setup.models()
        self.config = config
        sampleShape = setup.sampleShape
        normalization = try Self.normalization(config)
        generator = try Network(
            name: "generator", metricsKey: "g", build: models.generator, settings: config.generatorOptimizer, steps: config.steps, comm: comm,
            average: config.ema?.schedule)
        critic = try Network(
            name: "critic", metricsKey: "d", build: models.critic, settings: config.criticOptimizer, steps: config.steps, comm: comm)
        try CommonKeyChecks.requireNoBatchNorm(critic.module, config, method: .gran)
    }

    public var networks: [Network] { [generator, critic] }

    public func phases(at step: Int) -> [Phase] {
        Phase.criticThenGenerator(critic: critic, generator: generator, criticSteps: config.criticSteps, criticLoss: criticLoss, generatorLoss: generatorLoss)
    }

    /// The objective's critic terms on f̂ of real and generated samples (one pass for
    /// both); logs the objective, mean f̂(real) − f̂(fake) and the mean ‖∇ₓf‖ (over both).
    func criticLoss(_ context: StepContext) -> PhaseLoss {
        let real = context.realBatch()
        let fake = withoutGradients { generator.module(context.normal(columns: config.latentDimension)) }
        let n = real.shape[0]
        let critic = critic.module
        let (values, norms) = normalization.evaluate({ critic($0) }, at: concat([real, fake], axis: 0))
        let (onReal, onFake) = (values.slice(axis: 0, 0..<n), values.slice(axis: 0, n..<(2 * n)))
        let objective = config.objective.criticTerms(real: onReal, fake: onFake).sum() * context.share
        let distance = withoutGradients { (onReal.sum() - onFake.sum()).item } * context.share
        let slope = withoutGradients { norms.sum().item } * context.share / 2
        return PhaseLoss(
            total: objective,
            logged: [("critic_loss", Double(objective.item)), ("critic_distance", Double(distance)), ("gradient_norm", Double(slope))])
    }

    /// The objective's generator terms on f̂ of fresh samples, differentiated through ∇ₓf.
    func generatorLoss(_ context: StepContext) -> PhaseLoss {
        let critic = critic.module
        let values = normalization.normalized({ critic($0) }, at: generator.module(context.normal(columns: config.latentDimension)))
        let loss = config.objective.generatorTerms(fake: values).sum() * context.share
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

    /// The raw critic f (its normalized value needs gradients, which pictures do not record).
    public var pictureField: ((Tensor) -> Tensor)? {
        let critic = critic.module
        return { points in evaluating(critic) { withoutGradients { critic(points) } } }
    }
}
