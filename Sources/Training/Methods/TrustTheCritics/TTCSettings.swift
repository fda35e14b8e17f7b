import GAN

/// The `ttc.*` keys of a Trust-the-Critics run, read and checked.
struct TTCSettings {
    /// What the critics push to the data: noise, or the samples of a dataset.
    enum Source: Equatable {
        case noise
        case dataset(DatasetKind)
    }

    let critics: Int
    let criticSteps: Int
    let penalty: GradientPenalty
    let theta: Float
    let source: Source
    /// The source dataset's file or directory (nil: data.path; unused for noise and toy sources).
    let sourcePath: String?
    let noiseStd: Float

    /// Iterations (critic updates) of a whole run: every critic trained.
    var totalSteps: Int { critics * criticSteps }
    /// The critic updates at the end of a phase whose costs give its step size (the reference's last ≤ 100).
    var window: Int { min(100, criticSteps) }

    static let keys: [ConfigKey] = [
        ConfigSchema.key("ttc.critics", "ttc-critics", .int, .int(5), "ttc: critics trained one after another, each pushing the source a step further (num_crit)."),
        ConfigSchema.key("ttc.critic_steps", "ttc-critic-steps", .int, .int(5), "ttc: updates of each critic (critters); a whole run is ttc.critics × ttc.critic_steps iterations, train.steps at most that."),
        ConfigSchema.key("ttc.lambda", "ttc-lambda", .float, .float(1000), "ttc: λ of each critic's gradient penalty (lamb)."),
        ConfigSchema.key("ttc.one_sided", "ttc-one-sided", .bool, .bool(false), "ttc: penalize only gradient norms above 1 (--plus, which every reference script passes)."),
        ConfigSchema.key("ttc.theta", "ttc-theta", .float, .float(0.5), "ttc: step size of critic k, η_k = θ · mean(−critic loss) over its last ≤ 100 updates."),
        ConfigSchema.key(
            "ttc.source", "ttc-source", .choice(["noise"] + DatasetKind.allCases.map(\.rawValue)), .string("noise"),
            "ttc: what is pushed to the data: standard normal noise in the data's shape, or a dataset with the data's sample shape (translation, denoising)."),
        ConfigSchema.key("ttc.source_path", "ttc-source-path", .optional(.string), .null, "ttc: file or directory of a source dataset read from files (null: data.path)."),
        ConfigSchema.key("ttc.noise_std", "ttc-noise-std", .float, .float(0), "ttc: std of Gaussian noise added to every source dataset sample (denoising; 0: none)."),
    ]

    init(_ config: TrainingConfiguration) throws {
        let reader = ConfigReader(values: config.values)
        critics = try reader.int("ttc.critics", atLeast: 1)
        criticSteps = try reader.int("ttc.critic_steps", atLeast: 1)
        penalty = GradientPenalty(weight: try reader.float("ttc.lambda", atLeast: 0), oneSided: try reader.bool("ttc.one_sided"))
        theta = try reader.float("ttc.theta", positive: true)
        let name = try reader.string("ttc.source")
        if name == "noise" {
            source = .noise
        } else {
            guard let kind = DatasetKind(rawValue: name) else { throw reader.invalid("ttc.source", "unknown choice '\(name)'") }
            source = .dataset(kind)
        }
        sourcePath = try reader.optionalString("ttc.source_path")
        noiseStd = try reader.float("ttc.noise_std", atLeast: 0)
        try check(config, reader)
    }

    /// Combinations the method cannot train.
    private func check(_ config: TrainingConfiguration, _ reader: ConfigReader) throws {
        if config.steps > totalSteps {
            throw reader.invalid(
                "train.steps", "method ttc trains ttc.critics × ttc.critic_steps = \(critics) × \(criticSteps) = \(totalSteps) iterations, got \(config.steps)")
        }
        switch source {
        case .noise:
            if noiseStd > 0 { throw reader.invalid("ttc.noise_std", "adds noise to a source dataset, ttc.source is noise") }
            if sourcePath != nil { throw reader.invalid("ttc.source_path", "names a source dataset's data, ttc.source is noise") }
        case .dataset(let kind):
            if kind.needsPath && sourcePath == nil && config.dataPath == nil {
                throw reader.invalid("ttc.source_path", "source \(kind.rawValue) needs its data: pass --ttc-source-path PATH")
            }
        }
    }
}
