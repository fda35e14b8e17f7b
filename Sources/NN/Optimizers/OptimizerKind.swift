/// The optimizers a configuration can name.
public enum OptimizerKind: String, CaseIterable, Sendable {
    case adam
    /// Adam with decoupled weight decay.
    case adamw
    case rmsprop
    case sgd
}
