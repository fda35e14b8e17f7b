import Autograd
import GAN
import NN

/// MMD GAN (Bińkowski et al. 2018, mbinkowski/MMD-GAN): a critic h with `mmd.dof_dim`
/// feature outputs and the mixed rational-quadratic + linear kernel on its features.
/// The generator minimizes the MMD² between generated and real features; the critic
/// maximizes it, plus the witness gradient penalty on interpolates and an L2 penalty
/// on its activations. MMD² and the witness couple every sample with every other, so
/// both are computed over the GLOBAL batch: each rank gathers every rank's features
/// (a differentiable allgather), computes the global value and takes 1/ranks of it.
/// Each network's gradient is clipped per tensor to norm `mmd.clip_norm`; latents are
/// uniform in [−1, 1). With `mmd.kid_schedule` the learning rates follow the KID test.
public final class MMDMethod: MethodDefinition {
    public let generator: Network
    public let critic: Network
    let criticLayers: Sequential
    let config: TrainingConfiguration
    let settings: MMDSettings
    let sampleShape: [Int]
    let kernel = MixedRationalQuadraticKernel()
    let monitor: KIDLearningRateMonitor?

    static var configKeys: [ConfigKey] { MMDSettings.keys }

    static func validate(_ config: TrainingConfiguration) throws {
        let settings = try MMDSettings(config)
        guard [.mlp, .dcgan].contains(config.model) else {
            throw ConfigError.invalidValue(
                origin: config.values.origin(of: "model.kind"), key: "model.kind",
                reason: "method mmd needs a critic with mmd.dof_dim outputs: mlp or dcgan, got \(config.model.rawValue)")
        }
        try CommonKeyChecks.requireDefault("loss.objective", config, method: .mmd, "the MMD² of the critic's features is the objective")
        try CommonKeyChecks.requireNoPenalty(config, method: .mmd, "its witness penalty is mmd.gradient_penalty")
        if settings.kid != nil, [.mnist, .cifar10, .folder].contains(config.dataset) { try requireClassifier(config) }
    }

    /// The KID test embeds images with the feature classifier of `eval.classifier`.
    static func requireClassifier(_ config: TrainingConfiguration) throws {
        guard config.evaluation.classifier == nil else { return }
        throw ConfigError.invalidValue(
            origin: config.values.origin(of: "mmd.kid_schedule"), key: "mmd.kid_schedule",
            reason: "the KID test on images needs eval.classifier (--classifier FILE from tandem classifier train)")
    }

    public init(_ setup: MethodSetup) throws {
        let (config, comm) = (setup.config, setup.comm)
        let models = try setup.models()
        self.config = config
        settings = try MMDSettings(config)
        sampleShape = setup.sampleShape
        let clipping = settings.clipNorm > 0 ? PerTensorClipping(maxNorm: settings.clipNorm) : nil
        let features = settings.dofDim
        generator = try Network(
            name: "generator", metricsKey: "g", build: models.generator, settings: config.generatorOptimizer, steps: config.steps, comm: comm,
            clipping: clipping)
        critic = try Network(
            name: "critic", metricsKey: "d", build: { try models.critic(outputs: features) }, settings: config.criticOptimizer,
            steps: config.steps, comm: comm, clipping: clipping)
        guard let layers = critic.module as? Sequential else {
            throw ConfigError.invalidValue(origin: config.values.origin(of: "model.kind"), key: "model.kind", reason: "method mmd needs a layered critic")
        }
        criticLayers = layers
        try CommonKeyChecks.requireNoBatchNorm(critic.module, config, method: .mmd)
        if let kid = settings.kid {
            if setup.sampleShape.count == 3, setup.dataset != nil { try Self.requireClassifier(config) }
            monitor = try KIDLearningRateMonitor(settings: kid, config: config, sampleShape: setup.sampleShape, dataset: setup.dataset, comm: comm)
        } else {
            monitor = nil
        }
    }

    public var networks: [Network] { [generator, critic] }

    public func phases(at step: Int) -> [Phase] {
        Phase.criticThenGenerator(critic: critic, generator: generator, criticSteps: config.criticSteps, criticLoss: criticLoss, generatorLoss: generatorLoss)
    }

    /// Latents uniform in [−1, 1) for this rank's rows.
    func latents(_ context: StepContext) -> Tensor {
        context.uniform("z.\(context.phase)", columns: config.latentDimension) * 2 - 1
    }

    /// −MMD² of the global batch's features, plus the witness penalty and the L2 activation
    /// penalty (both means over the global batch).
    func criticLoss(_ context: StepContext) -> PhaseLoss {
        let real = context.realBatch()
        let fake = withoutGradients { generator.module(latents(context)) }
        let n = real.shape[0]
        let (features, squares) = ActivationPenalty.forward(criticLayers, concat([real, fake], axis: 0))
        let allReal = context.gatherBatch(features.slice(axis: 0, 0..<n))
        let allFake = context.gatherBatch(features.slice(axis: 0, n..<(2 * n)))
        let rankShare = 1 / Float(context.collectives.size)
        let mmd2 = kernel.unbiasedMMD2(allFake, allReal) * rankShare
        var total = -mmd2
        var witnessValue: Float = 0
        if settings.gradientPenalty > 0 {
            let layers = criticLayers
            let points = WitnessPenalty.interpolates(real: real, fake: fake, alpha: context.uniform("mmd.alpha"))
            let terms = WitnessPenalty(kernel: kernel).terms(critic: { layers($0) }, at: points, realFeatures: allReal, fakeFeatures: allFake)
            let term = terms.sum() * context.share
            witnessValue = term.item
            total = total + term * settings.gradientPenalty
        }
        let activations = squares.sum() * context.share
        if settings.l2Penalty > 0 { total = total + activations * settings.l2Penalty }
        return PhaseLoss(
            total: total,
            logged: [("critic_mmd2", Double(mmd2.item)), ("witness_penalty", Double(witnessValue)), ("l2_penalty", Double(activations.item))])
    }

    /// MMD² between the generated and real features of the global batch.
    func generatorLoss(_ context: StepContext) -> PhaseLoss {
        let fake = criticLayers(generator.module(latents(context)))
        let real = withoutGradients { criticLayers(context.realBatch()) }
        let mmd2 = kernel.unbiasedMMD2(context.gatherBatch(fake), context.gatherBatch(real)) * (1 / Float(context.collectives.size))
        return PhaseLoss(total: mmd2, logged: [("generator_mmd2", Double(mmd2.item))])
    }

    /// With the KID schedule: its evaluation when due, and the new rate on both networks.
    public func finishIteration(_ step: Int, collectives: Collectives) throws {
        guard let monitor, monitor.isDue(afterIteration: step) else { return }
        let scale = try monitor.evaluate(afterIteration: step, source: try sampleSource(averaged: false), comm: collectives.comm)
        for network in networks { network.learningRateScale = scale }
    }

    public func sampleSource(averaged: Bool) throws -> any SampleSource {
        GeneratorSource(generator: generator.module, latentDimension: config.latentDimension, sampleShape: sampleShape, distribution: .symmetricUniform)
    }

    /// The KID schedule's state (nothing without it).
    public var extraState: NamedTensors { monitor?.state ?? [] }

    public func restoreExtraState(_ state: [String: Tensor]) throws {
        try monitor?.restore(state)
        for network in networks { network.learningRateScale = monitor?.scale ?? 1 }
    }
}
