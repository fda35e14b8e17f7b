import Autograd
import GAN
import NN

/// A generator trained on the semi-debiased Sinkhorn divergence of DP-Sinkhorn (Cao et
/// al. 2021), without differential privacy: 2·OT_ε(Ŷ, X) − OT_ε(Ŷ, Ŷ') between the
/// generated global batch Ŷ, the real one X, and Ŷ', which is Ŷ with its first
/// ⌊ratio·batch⌋ rows replaced by freshly generated ones (as the reference builds it).
/// Entropic OT in pixel space, log-domain iterations with ε-scaling, envelope gradients
/// (see `Sinkhorn`). No critic: one generator update per iteration.
public final class SinkhornMethod: MethodDefinition {
    /// The method's settings, read from its section.
    struct Settings {
        let sinkhorn: Sinkhorn
        let debiasRatio: Float
        let scope: BatchScope

        init(_ config: TrainingConfiguration) throws {
            let reader = ConfigReader(values: config.values)
            let epsilon = try reader.float("sinkhorn.epsilon", positive: true)
            let p = try reader.int("sinkhorn.p", atLeast: 1)
            guard p == 1 || p == 2 else { throw reader.invalid("sinkhorn.p", "must be 1 (distance) or 2 (half the squared distance), got \(p)") }
            let iterations = try reader.int("sinkhorn.iterations", atLeast: 1)
            let scaling = try reader.optionalFloat("sinkhorn.scaling")
            if let scaling, !(scaling > 0 && scaling < 1) {
                throw reader.invalid("sinkhorn.scaling", "must be in (0, 1) (or null: no annealing), got \(scaling)")
            }
            debiasRatio = try reader.float("sinkhorn.debias_ratio", atLeast: 0)
            guard debiasRatio <= 1 else { throw reader.invalid("sinkhorn.debias_ratio", "must be in [0, 1], got \(debiasRatio)") }
            scope = try reader.choice("sinkhorn.scope")
            sinkhorn = Sinkhorn(epsilon: epsilon, p: p, iterations: iterations, scaling: scaling)
        }
    }

    static var configKeys: [ConfigKey] {
        [
            ConfigSchema.key(
                "sinkhorn.epsilon", "sinkhorn-epsilon", .float, .float(0.05),
                "sinkhorn: entropic regularization ε in units of the cost (DP-Sinkhorn MNIST: 0.05 with p 1)."),
            ConfigSchema.key("sinkhorn.p", "sinkhorn-p", .int, .int(1), "sinkhorn: the cost ‖x − y‖ᵖ/p in pixel space, p 1 (distance) or 2."),
            ConfigSchema.key("sinkhorn.iterations", "sinkhorn-iterations", .int, .int(10), "sinkhorn: log-domain Sinkhorn iterations at ε, after the ε-scaling."),
            ConfigSchema.key(
                "sinkhorn.scaling", "sinkhorn-scaling", .optional(.float), .float(0.5),
                "sinkhorn: ε-scaling, ε starts at the largest cost and shrinks by this factor per iteration down to ε (geomloss: 0.5); null: none."),
            ConfigSchema.key(
                "sinkhorn.debias_ratio", "sinkhorn-debias-ratio", .float, .float(0.2),
                "sinkhorn: share of the batch generated afresh for Ŷ' in 2·OT(Ŷ, X) − OT(Ŷ, Ŷ') (DP-Sinkhorn: 0.2; 0: Ŷ' = Ŷ)."),
            BatchScope.key("sinkhorn"),
        ]
    }

    static func validate(_ config: TrainingConfiguration) throws {
        _ = try Settings(config)
        let reason = "method sinkhorn has no critic"
        try UnusedKeys.reject(UnusedKeys.adversarialCritic + UnusedKeys.criticOptimizer, in: config, because: reason)
    }

    public let generator: Network
    let settings: Settings
    let config: TrainingConfiguration
    let sampleShape: [Int]

    public init(_ setup: MethodSetup) throws {
        config = setup.config
        settings = try Settings(config)
        sampleShape = setup.sampleShape
        generator = try Network(
            name: "generator", metricsKey: "g", build: try setup.models().generator, settings: config.generatorOptimizer, steps: config.steps,
            comm: setup.comm, average: config.ema?.schedule)
    }

    public var networks: [Network] { [generator] }

    public func phases(at step: Int) -> [Phase] {
        [Phase(name: "generator", networks: [generator], loss: generatorLoss)]
    }

    /// This rank's share of the divergence. Ŷ's rows and this rank's share of the fresh rows
    /// are generated in one pass (so a rank without fresh rows still runs the generator).
    func generatorLoss(_ context: StepContext) -> PhaseLoss {
        let scoped = settings.scope.lossCollectives(context.collectives, counts: context.rowCounts)
        let freshTotal = Int(Double(settings.debiasRatio) * Double(scoped.counts.reduce(0, +)))
        // Fresh latents have a stream of their own: row i is fresh sample i of the global batch
        // (per rank: counted from the rank's first row, so ranks draw different ones).
        let (first, part) = settings.scope == .global ? (0, scoped.collectives.rank) : (context.shard.lowerBound, 0)
        let share = BalancedSplit.range(part, of: scoped.collectives.size, total: freshTotal)
        let freshLatents = RandomStream(seed: context.seed, purpose: "z.generator.fresh", step: context.phaseStep)
            .normal(rows: share.count, columns: config.latentDimension, firstRow: first + share.lowerBound)
        let own = context.shard.count
        let latents = context.normal(columns: config.latentDimension)
        let samples = generator.module(share.isEmpty ? latents : concat([latents, freshLatents], axis: 0)).reshaped([own + share.count, -1])
        let real = context.realBatch()
        let loss = Self.divergenceShare(
            fake: samples.slice(axis: 0, 0..<own), fresh: samples.slice(axis: 0, own..<(own + share.count)),
            real: real.reshaped([own, -1]), counts: scoped.counts, freshTotal: freshTotal, sinkhorn: settings.sinkhorn,
            collectives: scoped.collectives) * scoped.factor
        return PhaseLoss(total: loss, logged: [("sinkhorn_loss", Double(loss.item))])
    }

    /// This rank's share (1/ranks) of 2·OT_ε(Ŷ, X) − OT_ε(Ŷ, Ŷ') over every rank's rows:
    /// `fake` and `real` hold `counts[rank]` rows, `fresh` this rank's share of the
    /// `freshTotal` fresh rows; all three are gathered in one allgather. Differentiable in
    /// `fake` and `fresh`.
    static func divergenceShare(
        fake: Tensor, fresh: Tensor, real: Tensor, counts: [Int], freshTotal: Int, sinkhorn: Sinkhorn, collectives: Collectives
    ) -> Tensor {
        let batch = counts.reduce(0, +)
        let freshCounts = BalancedSplit.ranges(parts: collectives.size, total: freshTotal).map(\.count)
        let gathered = collectives.allgather([(fake, counts), (fresh, freshCounts), (real, counts)])
        let (y, x) = (gathered[0], gathered[2])
        var yPrime = y
        if freshTotal > 0 {
            let kept = freshTotal < batch ? [y.slice(axis: 0, freshTotal..<batch)] : []
            yPrime = concat(kept + [gathered[1]], axis: 0)
        }
        let divergence = sinkhorn.transportCost(y, x) * 2 - sinkhorn.transportCost(y, yPrime)
        return divergence * (1 / Float(collectives.size))
    }

    public func finishIteration(_ step: Int, collectives: Collectives) throws {
        generator.average?.update(from: generator.module, step: step, batchSize: config.batchSize)
    }

    public func sampleSource(averaged: Bool) throws -> any SampleSource {
        GeneratorSource(
            generator: averaged ? try generator.averagedModule() : generator.module, latentDimension: config.latentDimension, sampleShape: sampleShape)
    }
}
