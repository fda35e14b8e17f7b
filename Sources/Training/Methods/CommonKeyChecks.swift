import NN

/// Checks of the common keys a method other than `adversarial` reads differently or
/// not at all: one line naming the key, before any rank starts work.
enum CommonKeyChecks {
    /// Throws unless `path` keeps its default value: the method does not read it, and a
    /// changed value would be silently ignored.
    static func requireDefault(_ path: String, _ config: TrainingConfiguration, method: MethodKind, _ reason: String) throws {
        guard let key = ConfigSchema.byPath[path], config.values[path] != key.defaultValue else { return }
        throw ConfigError.invalidValue(
            origin: config.values.origin(of: path), key: path,
            reason: "does not apply to method \(method.rawValue) (\(reason)); got \(config.values[path]), leave it at \(key.defaultValue)")
    }

    /// Throws unless `loss.penalty` is none: the method regularizes its critic its own way.
    static func requireNoPenalty(_ config: TrainingConfiguration, method: MethodKind, _ instead: String) throws {
        guard config.penalty != .none else { return }
        throw ConfigError.invalidValue(
            origin: config.values.origin(of: "loss.penalty"), key: "loss.penalty",
            reason: "method \(method.rawValue) takes no critic penalty (\(instead)): set it to none (--penalty none), got \(config.penalty.rawValue)")
    }

    /// Throws when the configured critic has a layer with batch statistics: per-sample
    /// input gradients need samples the critic treats independently.
    static func requireNoBatchNorm(_ critic: any Module, _ config: TrainingConfiguration, method: MethodKind) throws {
        guard critic.descendants.contains(where: { $0 is BatchNorm }) else { return }
        throw ConfigError.invalidValue(
            origin: config.values.origin(of: "model.kind"), key: "model.kind",
            reason: "method \(method.rawValue) needs each sample's own input gradient, and the \(config.model.rawValue) critic has batch normalization")
    }
}
