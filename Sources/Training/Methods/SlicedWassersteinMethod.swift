import Autograd
import GAN
import NN

/// A generator trained to minimize the sliced Wasserstein distance SW₂² to the data
/// (fast_sw, Nadjahi et al. 2021), over the global batch: by Monte Carlo over random
/// unit directions (sorting every projection of the whole batch) or by the CLT
/// approximation from the global mean and second moment; on raw samples, or on the
/// second hidden layer of a critic trained by BCE. An iteration is the reference's:
/// a generator step through the critic's features, then (with a critic) one critic step
/// on fresh generated samples and the same real batch.
public final class SlicedWassersteinMethod: MethodDefinition {
    /// How SW₂² is estimated (`sw.estimator`).
    public enum Estimator: String, CaseIterable, Sendable {
        /// Monte Carlo over `sw.projections` random unit directions redrawn every step.
        case mc
        /// The CLT approximation: global means and second moments only.
        case clt
    }

    /// What the distance compares (`sw.features`).
    public enum Features: String, CaseIterable, Sendable {
        /// The samples themselves (flattened).
        case raw
        /// The second hidden layer of a BCE-trained feature critic.
        case critic
    }

    /// The method's settings, read from its section.
    struct Settings {
        let estimator: Estimator
        let projections: Int
        let features: Features
        let criticWidth: Int
        let scope: BatchScope

        init(_ config: TrainingConfiguration) throws {
            let reader = ConfigReader(values: config.values)
            estimator = try reader.choice("sw.estimator")
            projections = try reader.int("sw.projections", atLeast: 1)
            features = try reader.choice("sw.features")
            criticWidth = try reader.int("sw.critic_width", atLeast: 1)
            scope = try reader.choice("sw.scope")
            if estimator == .mc && projections < Self.minimumProjections {
                throw reader.invalid(
                    "sw.projections", "must be at least \(Self.minimumProjections) (fewer random directions leave mostly noise; fast_sw uses 10000), got \(projections)")
            }
            if estimator == .clt { try UnusedKeys.reject(["sw.projections"], in: config, because: "applies only to sw.estimator mc") }
            if features == .raw { try UnusedKeys.reject(["sw.critic_width"], in: config, because: "applies only to sw.features critic") }
        }

        static let minimumProjections = 10
    }

    static var configKeys: [ConfigKey] {
        [
            ConfigSchema.key(
                "sw.estimator", "sw-estimator", .choice(of: Estimator.self), .string("mc"),
                "sw: Monte Carlo over random directions (sorted over the global batch) or the CLT approximation (global mean and second moment)."),
            ConfigSchema.key("sw.projections", "sw-projections", .int, .int(10000), "sw, mc: random unit directions, redrawn every step (fast_sw: 10000; at least 10)."),
            ConfigSchema.key(
                "sw.features", "sw-features", .choice(of: Features.self), .string("raw"),
                "sw: compare raw samples, or the second hidden layer of a critic trained with BCE, one step per generator step (fast_sw's --disc)."),
            ConfigSchema.key("sw.critic_width", "sw-critic-width", .int, .int(256), "sw, critic features: hidden width of the feature critic (fast_sw MNIST: 256)."),
            BatchScope.key("sw"),
        ]
    }

    static func validate(_ config: TrainingConfiguration) throws {
        let settings = try Settings(config)
        try UnusedKeys.reject(UnusedKeys.adversarialCritic, in: config, because: "method sw does not train an adversarial critic")
        if settings.features == .raw {
            try UnusedKeys.reject(UnusedKeys.criticOptimizer, in: config, because: "method sw with sw.features raw has no critic")
        }
    }

    public let generator: Network
    /// The feature critic (with `sw.features: critic`).
    public let critic: Network?
    let featureCritic: FeatureCritic?
    let settings: Settings
    let config: TrainingConfiguration
    let sampleShape: [Int]
    /// The generator step's real rows, which the critic step of the same iteration reuses.
    private var heldReal: Tensor?

    public init(_ setup: MethodSetup) throws {
        let config = setup.config
        self.config = config
        settings = try Settings(config)
        sampleShape = setup.sampleShape
        let models = try setup.models()
        generator = try Network(
            name: "generator", metricsKey: "g", build: models.generator, settings: config.generatorOptimizer, steps: config.steps, comm: setup.comm,
            average: config.ema?.schedule)
        guard settings.features == .critic else {
            (critic, featureCritic) = (nil, nil)
            return
        }
        let built = try ModelBuilders.featureCritic(
            sampleShape: setup.sampleShape, width: settings.criticWidth, initialization: config.initialization, seed: config.seed &+ 1)
        // The critic keeps no moving average, so its module is built once and shared with `features`.
        critic = try Network(
            name: "critic", metricsKey: "d", build: { built.model }, settings: config.criticOptimizer, steps: config.steps, comm: setup.comm)
        featureCritic = built
    }

    public var networks: [Network] { [generator] + (critic.map { [$0] } ?? []) }

    public func phases(at step: Int) -> [Phase] {
        let generatorPhase = Phase(name: "generator", networks: [generator], loss: generatorLoss)
        guard let critic else { return [generatorPhase] }
        return [generatorPhase, Phase(name: "critic", networks: [critic]) { self.criticLoss($0, critic: critic.module) }]
    }

    /// SW₂² between this rank's generated and real rows, over the global batch.
    func generatorLoss(_ context: StepContext) -> PhaseLoss {
        let real = context.realBatch()
        if critic != nil { heldReal = real }
        let fake = generator.module(context.normal(columns: config.latentDimension))
        let fakeFeatures = features(fake)
        let realFeatures = withoutGradients { features(real) }
        let scoped = settings.scope.lossCollectives(context.collectives, counts: context.rowCounts)
        let loss = Self.distanceShare(
            fake: fakeFeatures, real: realFeatures, estimator: settings.estimator, projections: settings.projections,
            directions: RandomStream(seed: context.seed, purpose: "sw.directions", step: context.phaseStep), counts: scoped.counts,
            collectives: scoped.collectives) * scoped.factor
        return PhaseLoss(total: loss, logged: [("sw_distance", Double(loss.item))])
    }

    /// The feature critic's BCE (real 1, generated 0) on the generator step's real rows and
    /// fresh generated rows.
    func criticLoss(_ context: StepContext, critic: any Module) -> PhaseLoss {
        let real = heldReal ?? context.realBatch()
        heldReal = nil
        let fake = withoutGradients { generator.module(context.normal(columns: config.latentDimension)) }
        let n = real.shape[0]
        let scores = critic(concat([real, fake], axis: 0))
        let terms = Objective.nonSaturating.criticTerms(real: scores.slice(axis: 0, 0..<n), fake: scores.slice(axis: 0, n..<(2 * n)))
        let loss = terms.sum() * context.share
        return PhaseLoss(total: loss, logged: [("critic_loss", Double(loss.item))])
    }

    /// The compared features of samples: flattened samples, or the critic's second hidden layer.
    private func features(_ samples: Tensor) -> Tensor {
        guard let featureCritic else { return samples.reshaped([samples.shape[0], -1]) }
        return featureCritic.features(samples)
    }

    /// This rank's share of SW₂² between every rank's `fake` and `real` rows ([counts[rank], d]
    /// each): mc gathers both sets (in one allgather) and takes this rank's share of the directions (rows of
    /// `directions`), so the shares add up to the estimate over all of them; clt sums the
    /// moments across ranks and takes 1/ranks of the global value. Differentiable in `fake`.
    static func distanceShare(
        fake: Tensor, real: Tensor, estimator: Estimator, projections: Int, directions: RandomStream, counts: [Int], collectives: Collectives
    ) -> Tensor {
        let total = counts.reduce(0, +)
        switch estimator {
        case .mc:
            let gathered = collectives.allgather([(fake, counts), (real, counts)])
            let (allFake, allReal) = (gathered[0], gathered[1])
            let share = BalancedSplit.range(collectives.rank, of: collectives.size, total: projections)
            let theta = SlicedWasserstein.directions(directions, rows: share, dimension: fake.shape[1])
            return SlicedWasserstein.monteCarloShare(allFake, allReal, directions: theta, totalDirections: projections)
        case .clt:
            let d = fake.shape[1] + 1
            let sums = collectives.sum(concat([SlicedWasserstein.momentSums(fake), withoutGradients { SlicedWasserstein.momentSums(real) }], axis: 0))
            let global = SlicedWasserstein.cltSquared(sums.slice(axis: 0, 0..<d), count: total, sums.slice(axis: 0, d..<(2 * d)), count: total)
            return global * (1 / Float(collectives.size))
        }
    }

    public func finishIteration(_ step: Int, collectives: Collectives) throws {
        generator.average?.update(from: generator.module, step: step, batchSize: config.batchSize)
    }

    public func sampleSource(averaged: Bool) throws -> any SampleSource {
        GeneratorSource(
            generator: averaged ? try generator.averagedModule() : generator.module, latentDimension: config.latentDimension, sampleShape: sampleShape)
    }

    public var pictureField: ((Tensor) -> Tensor)? {
        guard let critic = critic?.module else { return nil }
        return { points in evaluating(critic) { withoutGradients { critic(points) } } }
    }
}
