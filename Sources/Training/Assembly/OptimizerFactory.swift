import Autograd
import NN

/// The optimizer and learning-rate schedule a configuration names for one network.
public enum OptimizerFactory {
    public static func make(_ settings: TrainingConfiguration.OptimizerSettings, parameters: [(name: String, tensor: Tensor)]) throws -> any Optimizer {
        switch settings.kind {
        case "adam", "adamw":
            return try Adam(
                parameters: parameters, learningRate: settings.learningRate, betas: settings.betas, weightDecay: settings.weightDecay,
                decoupled: settings.kind == "adamw")
        case "rmsprop":
            return try RMSprop(parameters: parameters, learningRate: settings.learningRate, weightDecay: settings.weightDecay, momentum: settings.momentum)
        default:
            return try SGD(parameters: parameters, learningRate: settings.learningRate, momentum: settings.momentum, weightDecay: settings.weightDecay)
        }
    }

    /// Constant, or linear decay to zero over the run's `steps` updates.
    public static func schedule(_ settings: TrainingConfiguration.OptimizerSettings, steps: Int) -> LearningRateSchedule {
        settings.linearDecay ? .linearDecay(startStep: 0, endStep: steps, finalFactor: 0) : .constant
    }
}

