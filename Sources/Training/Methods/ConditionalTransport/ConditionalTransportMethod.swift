import Autograd
import GAN
import NN

/// Conditional transport (Zheng & Zhou 2021; JegZheng/CT-pytorch). A generator and a
/// navigator minimize CT together, one loss updating both (`ConditionalTransport`). In the
/// sample form (the toy `CT`) the cost is measured between samples. In the feature form
/// (ACT) it is measured between L2-normalized critic features and the critic maximizes CT:
/// each iteration is `train.n_critic` critic updates, then `ct.generator_steps`
/// generator+navigator updates that reuse the last critic update's real batch (CT-pytorch's
/// image loop: 1 critic step, 5 generator steps on the same reals, fresh latents each).
/// Both softmax plans run over the global batch: the fakes' features are gathered
/// (differentiably) and each rank evaluates the pairs of its own reals.
public final class ConditionalTransportMethod: MethodDefinition {
    public let generator: Network
    public let navigator: Network
    /// Only in the feature form.
    public let critic: Network?
    let settings: CTSettings
    let latentDimension: Int
    let sampleShape: [Int]
    let criticSteps: Int
    /// This rank's rows of the real batch the last critic update drew (feature form).
    private var criticReals: Tensor?

    static var configKeys: [ConfigKey] { CTSettings.keys }

    static func validate(_ config: TrainingConfiguration) throws {
        _ = try CTSettings(config)
    }

    public init(_ setup: MethodSetup) throws {
        let (config, comm) = (setup.config, setup.comm)
        let settings = try CTSettings(config)
        self.settings = settings
        let models = try setup.models()
        latentDimension = config.latentDimension
        sampleShape = setup.sampleShape
        generator = try Network(name: "generator", metricsKey: "g", build: models.generator, settings: config.generatorOptimizer, steps: config.steps, comm: comm)
        let inputs = settings.form == .feature ? settings.featureDimension : models.sampleSize
        let navigatorSeed = config.seed &+ 2
        navigator = try Network(
            name: "navigator", metricsKey: "n", build: { settings.navigator(inputs: inputs, seed: navigatorSeed) }, settings: settings.navigatorOptimizer,
            steps: config.steps, comm: comm)
        critic = try settings.form == .feature
            ? Network(
                name: "critic", metricsKey: "d", build: { try models.critic(outputs: settings.featureDimension) }, settings: config.criticOptimizer,
                steps: config.steps, comm: comm)
            : nil
        criticSteps = config.criticSteps
    }

    public var networks: [Network] { [generator, navigator] + (critic.map { [$0] } ?? []) }

    public func phases(at step: Int) -> [Phase] {
        let transport = Phase(name: "transport", networks: [generator, navigator], repeats: settings.generatorSteps) { [unowned self] in
            self.transportLoss($0)
        }
        guard let critic else { return [transport] }
        return [Phase(name: "critic", networks: [critic], repeats: criticSteps) { [unowned self] in self.criticLoss($0) }, transport]
    }

    /// The critic maximizes CT between the features of fresh reals and of fakes (no graph into the generator).
    func criticLoss(_ context: StepContext) -> PhaseLoss {
        let real = context.realBatch()
        criticReals = real
        let fake = withoutGradients { generator.module(context.normal(columns: latentDimension)) }
        let share = transportShare(real: real, fake: fake, context)
        return PhaseLoss(total: -share.total, logged: [("critic_ct", Double(share.total.item))])
    }

    /// The generator and navigator minimize CT; the feature form reuses the critic update's reals.
    func transportLoss(_ context: StepContext) -> PhaseLoss {
        let real = criticReals ?? context.realBatch()
        let fake = generator.module(context.normal(columns: latentDimension))
        let share = transportShare(real: real, fake: fake, context)
        return PhaseLoss(
            total: share.total,
            logged: [("ct_loss", Double(share.total.item)), ("ct_forward", Double(share.forward.item)), ("ct_backward", Double(share.backward.item))])
    }

    /// This rank's share of CT between its reals and the global batch's fakes.
    private func transportShare(real: Tensor, fake: Tensor, _ context: StepContext) -> ConditionalTransport.Share {
        let (realPoints, fakePoints) = features(real: real, fake: fake)
        let navigator = navigator.module
        return settings.transport.share(
            real: realPoints, fake: context.gatherBatch(fakePoints), realCount: context.globalBatch, navigator: { navigator($0) },
            columnSum: context.collectives.sum, columnMax: { columnMaximum($0, context.collectives) })
    }

    /// Flattened samples (sample form), or the critic's L2-normalized features of both (one forward).
    private func features(real: Tensor, fake: Tensor) -> (Tensor, Tensor) {
        let (real, fake) = (real.flattenedBatch(), fake.flattenedBatch())
        guard let critic else { return (real, fake) }
        let n = real.shape[0]
        let outputs = critic.module(concat([real, fake], axis: 0))
        let normalized = outputs / outputs.norm(axis: 1, keepDims: true)
        return (normalized.slice(axis: 0, 0..<n), normalized.slice(axis: 0, n..<(2 * n)))
    }

    public func sampleSource(averaged: Bool) throws -> any SampleSource {
        GeneratorSource(generator: generator.module, latentDimension: latentDimension, sampleShape: sampleShape)
    }
}

/// The elementwise maximum over ranks of a [1, c] tensor (a constant: no graph).
func columnMaximum(_ local: Tensor, _ collectives: Collectives) -> Tensor {
    guard collectives.size > 1 else { return local.detached() }
    let all = withoutGradients { collectives.allgather(local.detached(), counts: Array(repeating: 1, count: collectives.size)) }
    let (ranks, columns) = (all.shape[0], all.shape[1])
    let values = all.scalars
    let maxima = (0..<columns).map { j in (0..<ranks).map { values[$0 * columns + j] }.max() ?? 0 }
    return Tensor(shape: [1, columns], scalars: maxima)
}
