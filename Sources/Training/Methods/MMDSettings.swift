/// The `mmd.*` keys of the MMD GAN method, read and checked.
struct MMDSettings {
    let dofDim: Int
    let gradientPenalty: Float
    let l2Penalty: Float
    let clipNorm: Float
    /// The KID schedule's settings, when it is on.
    let kid: KIDLearningRateMonitor.Settings?

    static let keys: [ConfigKey] = [
        ConfigSchema.key("mmd.dof_dim", "mmd-dof-dim", .int, .int(16), "MMD GAN: feature outputs of the critic (the reference's dof_dim)."),
        ConfigSchema.key("mmd.gradient_penalty", "mmd-gradient-penalty", .float, .float(1), "MMD GAN: weight of the witness gradient penalty (‖∇w(x̂)‖ − 1)² on interpolates (0: off)."),
        ConfigSchema.key("mmd.l2_penalty", "mmd-l2-penalty", .float, .float(1), "MMD GAN: weight of the L2 penalty on the critic's activations (0: off)."),
        ConfigSchema.key("mmd.clip_norm", "mmd-clip-norm", .float, .float(1), "MMD GAN: clip each parameter tensor's gradient to this L2 norm, both networks (0: off)."),
        ConfigSchema.key("mmd.kid_schedule", "mmd-kid-schedule", .bool, .bool(false), "MMD GAN: halve both learning rates when the KID test finds no improvement over the samples of kid_memory evaluations earlier kid_patience times (floor 1e-6)."),
        ConfigSchema.key("mmd.kid_every", "mmd-kid-every", .int, .int(500), "MMD GAN: iterations between KID tests (the reference's MNIST frequency)."),
        ConfigSchema.key("mmd.kid_samples", "mmd-kid-samples", .int, .int(2048), "MMD GAN: generated (and real) samples per KID test (the reference's 2048)."),
        ConfigSchema.key("mmd.kid_memory", "mmd-kid-memory", .int, .int(10), "MMD GAN: the KID test compares with the samples this many evaluations earlier."),
        ConfigSchema.key("mmd.kid_patience", "mmd-kid-patience", .int, .int(3), "MMD GAN: tests without a confident improvement before the learning rates are halved."),
    ]

    init(_ config: TrainingConfiguration) throws {
        let reader = ConfigReader(values: config.values)
        dofDim = try reader.int("mmd.dof_dim", atLeast: 1)
        gradientPenalty = try reader.float("mmd.gradient_penalty", atLeast: 0)
        l2Penalty = try reader.float("mmd.l2_penalty", atLeast: 0)
        clipNorm = try reader.float("mmd.clip_norm", atLeast: 0)
        let every = try reader.int("mmd.kid_every", atLeast: 1)
        let samples = try reader.int("mmd.kid_samples", atLeast: 4)
        let memoryLength = try reader.int("mmd.kid_memory", atLeast: 1)
        let patience = try reader.int("mmd.kid_patience", atLeast: 1)
        kid = try reader.bool("mmd.kid_schedule")
            ? KIDLearningRateMonitor.Settings(every: every, samples: samples, memoryLength: memoryLength, patience: patience) : nil
    }
}
