import Autograd
import NN

/// A training method: the networks it trains and what one iteration of training
/// is made of. The trainer runs the phases of each iteration in order, each phase
/// `repeats` times: build the loss from a fresh `StepContext`, update the phase's
/// networks from it (one distributed update path for every network). WGAN-GP, R1,
/// hinge ... are one method (`AdversarialMethod`) with options; each other method
/// is one file in this folder.
public protocol TrainingMethod: AnyObject {
    /// Every network the method trains, in checkpoint order (names are unique).
    var networks: [Network] { get }
    /// The phases of iteration `step` (0-based), in order.
    func phases(at step: Int) -> [Phase]
    /// After the phases of iteration `step` (moving averages, adaptive schedules).
    /// Every rank calls it; collectives are allowed.
    func finishIteration(_ step: Int, collectives: Collectives) throws
    /// How samples are drawn (pictures, evaluation, `tandem sample`): from the trained
    /// networks, or from their moving averages with `averaged`.
    func sampleSource(averaged: Bool) throws -> any SampleSource
    /// For 2-D data: a function shaded under the sample picture (a critic's value), if any.
    var pictureField: ((Tensor) -> Tensor)? { get }
    /// State beyond the networks' that a checkpoint must hold (adaptive probabilities,
    /// step sizes), as named tensors; empty for most methods.
    var extraState: NamedTensors { get }
    /// Restores what `extraState` returned.
    func restoreExtraState(_ state: [String: Tensor]) throws
}

extension TrainingMethod {
    public func finishIteration(_ step: Int, collectives: Collectives) throws {}
    public var pictureField: ((Tensor) -> Tensor)? { nil }
    public var extraState: NamedTensors { [] }
    public func restoreExtraState(_ state: [String: Tensor]) throws {}

    /// The network called `name`.
    public func network(_ name: String) -> Network? {
        networks.first { $0.name == name }
    }
}

/// One part of an iteration: a loss and the networks updated from it.
public struct Phase {
    /// Names the phase's random draws ("z.<name>") and its update counter.
    public let name: String
    /// The networks whose parameters the loss updates (one, or several updated together).
    public let networks: [Network]
    /// Updates per iteration.
    public let repeats: Int
    /// This rank's share of the loss: its terms summed and divided by the global batch size.
    public let loss: (StepContext) throws -> PhaseLoss

    public init(name: String, networks: [Network], repeats: Int = 1, loss: @escaping (StepContext) throws -> PhaseLoss) {
        self.name = name
        self.networks = networks
        self.repeats = repeats
        self.loss = loss
    }
}

extension Phase {
    /// A critic against a generator: `criticSteps` critic updates, then one generator update.
    public static func criticThenGenerator(
        critic: Network, generator: Network, criticSteps: Int, criticLoss: @escaping (StepContext) throws -> PhaseLoss,
        generatorLoss: @escaping (StepContext) throws -> PhaseLoss
    ) -> [Phase] {
        [
            Phase(name: "critic", networks: [critic], repeats: criticSteps, loss: criticLoss),
            Phase(name: "generator", networks: [generator], loss: generatorLoss),
        ]
    }
}

/// What a phase computed on this rank.
public struct PhaseLoss {
    /// This rank's share of the global loss (so the sum over ranks is the global loss).
    public let total: Tensor
    /// Values to log, each this rank's share of a global value (summed across ranks when logged).
    public let logged: [(name: String, value: Double)]

    public init(total: Tensor, logged: [(name: String, value: Double)]) {
        self.total = total
        self.logged = logged
    }
}
