import Autograd
import NN

/// The optimizer a configuration names for one network.
public enum OptimizerFactory {
    public static func make(_ settings: TrainingConfiguration.OptimizerSettings, parameters: FlatParameters) throws -> any Optimizer {
        switch settings.kind {
        case .adam, .adamw:
            return try Adam(
                parameters: parameters, learningRate: settings.learningRate, betas: settings.betas, weightDecay: settings.weightDecay,
                decoupled: settings.kind == .adamw)
        case .rmsprop:
            return try RMSprop(parameters: parameters, learningRate: settings.learningRate, weightDecay: settings.weightDecay, momentum: settings.momentum)
        case .sgd:
            return try SGD(parameters: parameters, learningRate: settings.learningRate, momentum: settings.momentum, weightDecay: settings.weightDecay)
        }
    }
}
