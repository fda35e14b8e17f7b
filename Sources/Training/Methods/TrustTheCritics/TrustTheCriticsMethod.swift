import Autograd
import Foundation
import GAN
import NN

/// Trust the Critics (Milne, Bilocq & Nachman; tmilne5/Trust-the-Critics): no generator. N
/// critics are trained one after another, `ttc.critic_steps` updates each, as WGAN-GP
/// critics driven low on the data and high on the source (λ, optionally one-sided); the
/// source samples a critic meets have been pushed down every earlier critic,
/// y ← y − η_j·∇D_j(y). When critic k's phase ends its step size is fixed,
/// η_k = θ · mean(−critic loss) over the phase's last ≤ 100 updates (global values, so every
/// rank has the same η_k), and critic k+1 starts from critic k's weights with its own fresh
/// optimizer. Iteration `step` is one update of critic ⌊step / critic_steps⌋. Samples are
/// fresh source samples pushed down the whole finished chain. Checkpoints hold every critic
/// (critic_0 … critic_{N−1}) and, as the method's state, every η_k, the costs of the current
/// phase's window and how many critics are finished, so a run resumes inside a phase.
public final class TrustTheCriticsMethod: MethodDefinition {
    public let critics: [Network]
    let settings: TTCSettings
    let source: TTCSource
    let seed: UInt64
    /// Step size of each critic; only those of finished critics are used.
    private(set) var stepSizes: [Float]
    /// Global critic losses of the current phase's window, in update order.
    private var windowCosts: [Float]
    /// Critics whose phase has ended (their step size is fixed).
    private(set) var finished = 0
    /// This rank's share of the last update's critic loss (summed across ranks in `finishIteration`).
    private var lastCostShare: Double = 0

    static var configKeys: [ConfigKey] { TTCSettings.keys }

    static func validate(_ config: TrainingConfiguration) throws {
        _ = try TTCSettings(config)
    }

    public init(_ setup: MethodSetup) throws {
        let config = setup.config
        let settings = try TTCSettings(config)
        self.settings = settings
        let models = try setup.models()
        critics = try (0..<settings.critics).map { k in
            try Network(
                name: "critic_\(k)", metricsKey: "d\(k)", build: { try models.critic() }, settings: config.criticOptimizer, steps: config.steps,
                comm: setup.comm)
        }
        source = try TTCSource(settings, setup: setup)
        seed = config.seed
        stepSizes = Array(repeating: 0, count: settings.critics)
        windowCosts = Array(repeating: 0, count: settings.window)
    }

    public var networks: [Network] { critics }

    /// The critic iteration `step` trains.
    func criticIndex(at step: Int) -> Int { min(step / settings.criticSteps, settings.critics - 1) }

    public func phases(at step: Int) -> [Phase] {
        let k = criticIndex(at: step)
        return [Phase(name: "critic_\(k)", networks: [critics[k]]) { [unowned self] in self.criticLoss($0, k) }]
    }

    /// Critic k, low on the data and high on the pushed source, plus the gradient penalty
    /// (its interpolation draws keyed by the iteration, so phases draw differently).
    func criticLoss(_ context: StepContext, _ k: Int) -> PhaseLoss {
        let real = context.realBatch()
        let start = source.samples(seed: seed, purpose: "ttc.source", step: context.iteration, rows: context.shard)
        let moved = pushed(start, through: chain(count: k))
        let critic = critics[k].module
        let n = real.shape[0]
        let outputs = critic(concat([real, moved], axis: 0))
        let objective = (outputs.slice(axis: 0, 0..<n).sum() - outputs.slice(axis: 0, n..<(2 * n)).sum()) * context.share
        let inputs = PenaltyInputs(
            critic: { critic($0) }, real: real, fake: moved, seed: seed, criticStep: context.iteration, firstRow: context.shard.lowerBound)
        let penalty = settings.penalty.terms(inputs).sum() * context.share
        let total = objective + penalty
        lastCostShare = Double(total.item)
        return PhaseLoss(total: total, logged: [("critic_loss", Double(objective.item)), ("penalty", Double(penalty.item))])
    }

    /// The first `count` critics with their step sizes.
    func chain(count: Int) -> [(critic: any Module, stepSize: Float)] {
        (0..<count).map { (critics[$0].module, stepSizes[$0]) }
    }

    /// Records the update's global loss when it falls in the phase's window; at the end of a
    /// phase fixes the critic's step size and starts the next critic from its weights.
    public func finishIteration(_ step: Int, collectives: Collectives) throws {
        let k = criticIndex(at: step)
        let position = step - k * settings.criticSteps
        let windowStart = settings.criticSteps - settings.window
        guard position >= windowStart else { return }
        windowCosts[position - windowStart] = Float(collectives.sum([lastCostShare])[0])
        guard position == settings.criticSteps - 1 else { return }
        let meanGain = windowCosts.reduce(0.0) { $0 - Double($1) } / Double(windowCosts.count)
        stepSizes[k] = settings.theta * Float(meanGain)
        finished = k + 1
        if k + 1 < critics.count {
            try critics[k + 1].module.loadState(critics[k].module.stateDictionary().dictionary)
        }
    }

    public func sampleSource(averaged: Bool) throws -> any SampleSource {
        TTCSampleSource(source: source, chain: chain(count: finished))
    }

    /// For 2-D data: the critic being trained (the last one once all are finished).
    public var pictureField: ((Tensor) -> Tensor)? {
        let critic = critics[min(finished, critics.count - 1)].module
        return { points in evaluating(critic) { withoutGradients { critic(points) } } }
    }

    public var extraState: NamedTensors {
        [
            (name: "step_sizes", tensor: Tensor(shape: [stepSizes.count], scalars: stepSizes)),
            (name: "window_costs", tensor: Tensor(shape: [windowCosts.count], scalars: windowCosts)),
            (name: "finished_critics", tensor: Tensor([Float(finished)])),
        ]
    }

    public func restoreExtraState(_ state: [String: Tensor]) throws {
        guard let sizes = state["step_sizes"], let costs = state["window_costs"], let count = state["finished_critics"], count.count == 1 else {
            throw TTCStateError.incomplete(names: state.keys.sorted())
        }
        guard sizes.shape == [settings.critics] else { throw TTCStateError.chainLength(saved: sizes.count, configured: settings.critics) }
        guard costs.shape == [settings.window] else { throw TTCStateError.window(saved: costs.count, configured: settings.window) }
        let done = Int(count.item)
        guard count.item == Float(done), (0...settings.critics).contains(done) else { throw TTCStateError.incomplete(names: state.keys.sorted()) }
        (stepSizes, windowCosts, finished) = (sizes.scalars, costs.scalars, done)
    }
}

/// A checkpoint whose Trust-the-Critics state does not fit the run.
enum TTCStateError: Error, CustomStringConvertible {
    case incomplete(names: [String])
    case chainLength(saved: Int, configured: Int)
    case window(saved: Int, configured: Int)

    var description: String {
        switch self {
        case .incomplete(let names):
            "the Trust-the-Critics chain state (step_sizes, window_costs, finished_critics) is missing or damaged; found \(names)"
        case .chainLength(let saved, let configured):
            "it holds a chain of \(saved) critics, the run has ttc.critics \(configured)"
        case .window(let saved, let configured):
            "it holds the losses of a \(saved)-update window, the run's ttc.critic_steps gives \(configured)"
        }
    }
}
