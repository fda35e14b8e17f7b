import Autograd
import GAN
import NN

/// The Choquet-Toland distance (stochastic-orders-ICMN, `CTDistance` with `sum`): two
/// input-convex maxout critics u₀ and u₁ (`MaxoutResidualMLP`), each its own network and
/// optimizer, minimize their integral terms in one phase (their parameters are disjoint,
/// so the sum updates each by its own term); after every critic update the weights of
/// `main` and `main_output` are projected onto the non-negative numbers, which keeps each
/// critic convex in its input. The generator then maximizes the distance:
/// `train.n_critic` critic updates to one generator update (the reference trains the
/// generator every 6th batch: 5 to 1). The generator is the reference's maxout residual
/// MLP (`choquet.generator: maxout`) or the configuration's model.
public final class ChoquetTolandMethod: MethodDefinition {
    public let generator: Network
    public let critics: [Network]
    let latentDimension: Int
    let sampleShape: [Int]
    let criticSteps: Int

    /// Which network generates samples.
    enum GeneratorKind: String, CaseIterable {
        /// The reference's `DistributionGenerator`: a maxout residual MLP from the latents.
        case maxout
        /// The generator `model.kind` names.
        case model
    }

    static let configKeys: [ConfigKey] = [
        ConfigSchema.key("choquet.critic_width", "choquet-critic-width", .int, .int(32), "choquet: hidden units of each critic layer before maxout (d_hidden_dim)."),
        ConfigSchema.key("choquet.critic_layers", "choquet-critic-layers", .int, .int(5), "choquet: layers of each critic, the first and the residual ones (d_n_layers)."),
        ConfigSchema.key("choquet.maxout", "choquet-maxout", .int, .int(2), "choquet: units per maxout group (max_out), in the critics and the maxout generator."),
        ConfigSchema.key(
            "choquet.generator", "choquet-generator", .choice(of: GeneratorKind.self), .string("maxout"),
            "choquet: the reference's maxout residual MLP generator (maxout) or the model.kind generator (model)."),
        ConfigSchema.key("choquet.generator_width", "choquet-generator-width", .int, .int(32), "choquet: hidden units of the maxout generator's layers (g_hidden_dim)."),
        ConfigSchema.key("choquet.generator_layers", "choquet-generator-layers", .int, .int(10), "choquet: layers of the maxout generator (g_n_layers)."),
    ]

    /// The keys, read and checked.
    struct Settings {
        let criticWidth, criticLayers, maxout, generatorWidth, generatorLayers: Int
        let generator: GeneratorKind

        init(_ config: TrainingConfiguration) throws {
            let reader = ConfigReader(values: config.values)
            maxout = try reader.int("choquet.maxout", atLeast: 1)
            criticWidth = try reader.int("choquet.critic_width", atLeast: 1)
            criticLayers = try reader.int("choquet.critic_layers", atLeast: 1)
            generator = try reader.choice("choquet.generator")
            generatorWidth = try reader.int("choquet.generator_width", atLeast: 1)
            generatorLayers = try reader.int("choquet.generator_layers", atLeast: 1)
            for (key, width) in [("choquet.critic_width", criticWidth), ("choquet.generator_width", generatorWidth)] where width % maxout != 0 {
                throw reader.invalid(key, "must be a multiple of choquet.maxout (\(maxout)), got \(width)")
            }
        }
    }

    static func validate(_ config: TrainingConfiguration) throws {
        _ = try Settings(config)
    }

    public init(_ setup: MethodSetup) throws {
        let (config, comm) = (setup.config, setup.comm)
        let settings = try Settings(config)
        let models = try setup.models()
        let (size, latent, seed) = (models.sampleSize, config.latentDimension, config.seed)
        latentDimension = latent
        sampleShape = setup.sampleShape
        criticSteps = config.criticSteps
        let build: () throws -> any Module
        if settings.generator == .model {
            build = models.generator
        } else {
            build = {
                try MaxoutResidualMLP(
                    inputs: latent, width: settings.generatorWidth, layers: settings.generatorLayers, maxout: settings.maxout, outputs: size, seed: seed)
            }
        }
        generator = try Network(name: "generator", metricsKey: "g", build: build, settings: config.generatorOptimizer, steps: config.steps, comm: comm)
        critics = try (0..<2).map { k in
            let criticSeed = seed &+ 1 &+ UInt64(k)
            func icmn() throws -> MaxoutResidualMLP {
                try MaxoutResidualMLP(inputs: size, width: settings.criticWidth, layers: settings.criticLayers, maxout: settings.maxout, outputs: 1, seed: criticSeed)
            }
            let names = try icmn().convexParameterNames
            return try Network(
                name: "critic_\(k)", metricsKey: "u\(k)", build: { try icmn() }, settings: config.criticOptimizer, steps: config.steps, comm: comm,
                constraint: .nonNegative(parameterNames: names))
        }
    }

    public var networks: [Network] { [generator] + critics }

    public func phases(at step: Int) -> [Phase] {
        [
            Phase(name: "critic", networks: critics, repeats: criticSteps) { [unowned self] in self.criticLoss($0) },
            Phase(name: "generator", networks: [generator]) { [unowned self] in self.generatorLoss($0) },
        ]
    }

    /// u₀ and u₁ on real and fresh generated samples (one forward each); each critic's integral.
    func criticLoss(_ context: StepContext) -> PhaseLoss {
        let real = context.realBatch().flattenedBatch()
        let fake = withoutGradients { generator.module(context.normal(columns: latentDimension)).flattenedBatch() }
        let n = real.shape[0]
        let both = concat([real, fake], axis: 0)
        let (u0, u1) = (critics[0].module(both), critics[1].module(both))
        let (first, second) = ChoquetToland.integrals(
            u0Real: u0.slice(axis: 0, 0..<n), u0Fake: u0.slice(axis: 0, n..<(2 * n)), u1Real: u1.slice(axis: 0, 0..<n),
            u1Fake: u1.slice(axis: 0, n..<(2 * n)), share: context.share)
        let distance = first + second
        return PhaseLoss(
            total: distance, logged: [("u0_integral", Double(first.item)), ("u1_integral", Double(second.item)), ("choquet_distance", Double(distance.item))])
    }

    /// The generator maximizes the distance through its fakes.
    func generatorLoss(_ context: StepContext) -> PhaseLoss {
        let fake = generator.module(context.normal(columns: latentDimension)).flattenedBatch()
        let loss = ChoquetToland.generatorLoss(u0Fake: critics[0].module(fake), u1Fake: critics[1].module(fake), share: context.share)
        return PhaseLoss(total: loss, logged: [("generator_loss", Double(loss.item))])
    }

    public func sampleSource(averaged: Bool) throws -> any SampleSource {
        GeneratorSource(generator: generator.module, latentDimension: latentDimension, sampleShape: sampleShape)
    }

    /// For 2-D data: u₀ (convex in the point).
    public var pictureField: ((Tensor) -> Tensor)? {
        let critic = critics[0].module
        return { points in withoutGradients { critic(points) } }
    }
}
