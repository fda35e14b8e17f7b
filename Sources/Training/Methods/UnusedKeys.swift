/// Common keys a method does not read. A value other than the key's default is a
/// setting the method would silently ignore, so validation rejects it with one line
/// naming the key (a resumed run's config.yaml lists every key, at its default when unused).
enum UnusedKeys {
    /// The adversarial objective and the critic's regularizers and step count.
    static let adversarialCritic = [
        "train.n_critic", "loss.objective", "loss.penalty", "loss.penalty_weight", "loss.penalty_every", "loss.one_sided", "loss.clip_limit",
        "model.spectral_norm",
    ]
    /// The critic's optimizer.
    static let criticOptimizer = ["kind", "lr", "betas", "weight_decay", "momentum", "schedule"].map { "optimizer.critic." + $0 }

    /// Throws for the first of `paths` whose value differs from its default, saying why the
    /// method cannot take it.
    static func reject(_ paths: [String], in config: TrainingConfiguration, because reason: String) throws {
        for path in paths {
            guard let key = ConfigSchema.byPath[path], config.values[path] != key.defaultValue else { continue }
            throw ConfigReader(values: config.values).invalid(path, "\(reason); remove the key (got \(config.values[path]))")
        }
    }
}
