import Autograd
import GAN
import MPI
import NN

/// One trained module with everything its updates need: its name (checkpoint file
/// and state prefix), its parameters in one flat layout, its optimizer and
/// learning-rate schedule, the synchronizer that sums its gradients across ranks,
/// an optional constraint applied after each update, and an optional moving average.
/// "generator" and "critic" are names, not types.
public final class Network {
    public let name: String
    /// Short name in metrics ("lr_<key>").
    public let metricsKey: String
    public let module: any Module
    public let parameters: FlatParameters
    public let optimizer: any Optimizer
    public let settings: TrainingConfiguration.OptimizerSettings
    public let schedule: LearningRateSchedule
    public let synchronizer: GradientSynchronizer
    /// Applied to the parameters after every update (clipping, projection).
    public let constraint: ParameterConstraint?
    /// The exponential moving average of the parameters, when kept.
    public let average: GeneratorEMA?
    /// Clips each tensor's summed gradient before the optimizer step (MMD GAN), when set.
    public let clipping: PerTensorClipping?
    /// Multiplies the scheduled learning rate (a method's adaptive schedule; 1 otherwise).
    public var learningRateScale: Float = 1
    /// Builds another module of the same architecture (to hold the moving average for sampling).
    public let build: () throws -> any Module

    /// Builds the module, moves its parameters into one flat buffer and sets up its
    /// optimizer for a run of `steps` iterations.
    public init(
        name: String, metricsKey: String, build: @escaping () throws -> any Module, settings: TrainingConfiguration.OptimizerSettings,
        steps: Int, comm: any Communicator, constraint: ParameterConstraint? = nil, average: EMASchedule? = nil,
        clipping: PerTensorClipping? = nil
    ) throws {
        self.name = name
        self.metricsKey = metricsKey
        self.build = build
        module = try build()
        parameters = FlatParameters(module.namedParameters)
        optimizer = try OptimizerFactory.make(settings, parameters: parameters)
        self.settings = settings
        schedule = LearningRateSchedule(settings.schedule, steps: steps)
        synchronizer = GradientSynchronizer(parameters: parameters, comm: comm)
        self.constraint = constraint
        self.clipping = clipping
        let module = self.module
        self.average = average.map { GeneratorEMA(generator: module, schedule: $0) }
        if comm.size > 1 {
            for case let batchNorm as BatchNorm in module.descendants { batchNorm.crossReplicaSum = Collectives(comm: comm).sum }
        }
    }

    /// A fresh module holding the moving average (or the current parameters without one).
    public func averagedModule() throws -> any Module {
        guard let average else { return module }
        let copy = try build()
        try copy.loadState(average.namedAverages.dictionary)
        return copy
    }
}

/// A rule applied to a network's parameters after every update, on every rank alike.
public enum ParameterConstraint: Sendable {
    /// Clamp every parameter to [-limit, limit] (the original WGAN's weight clipping).
    case clip(limit: Float)
    /// Replace negative values by 0 in the named parameters (input-convex networks).
    case nonNegative(parameterNames: Set<String>)

    func apply(to parameters: FlatParameters) {
        switch self {
        case .clip(let limit):
            WeightClipping(limit: limit).apply(to: [parameters.values])
        case .nonNegative(let names):
            for (name, tensor) in parameters.named where names.contains(name) {
                tensor.withMutableScalars { values in
                    for i in values.indices where values[i] < 0 { values[i] = 0 }
                }
            }
        }
    }
}
