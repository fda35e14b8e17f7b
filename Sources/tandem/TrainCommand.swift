import ArgumentParser
import Autograd
import Training

/// `tandem train`: trains a generator/critic pair, data-parallel over the ranks.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a GAN data-parallel across the ranks (WGAN-GP on 8gaussians by default).",
        discussion: """
            Every configuration key has a flag (or use --set key.path=value); flags override --config FILE. \
            Boolean keys take --flag / --no-flag. Keys, with their flags and defaults:

            """ + ConfigSchema.keys.map { "  --\($0.flag) (\($0.path), default \($0.defaultValue)): \($0.help)" }.joined(separator: "\n"))

    @Option(help: "A YAML configuration (e.g. configs/wgan-gp-8gaussians.yaml); flags override its keys.")
    var config: String?

    @Flag(help: "Continue from the run directory's newest valid checkpoint (any number of ranks).")
    var resume = false

    @Flag(help: "Start a new run in a run directory that holds one, moving the earlier run to <dir>.replaced-<time>.")
    var startOver = false

    @Flag(help: "With --resume: allow keys that define the run (seed, method, data.*, model.*, train.batch_size) to differ from the run's.")
    var allowChangedKeys = false

    @OptionGroup var ranks: RankOptions

    @Argument(parsing: .allUnrecognized, help: "Configuration flags, e.g. --dataset 25gaussians --lr-d 3e-4 --set loss.penalty_every=4")
    var settings: [String] = []

    func validate() throws {
        if startOver && resume { throw ValidationError("--start-over and --resume exclude each other") }
        if allowChangedKeys && !resume { throw ValidationError("--allow-changed-keys only applies with --resume") }
    }

    func run() throws {
        let (configuration, changes) = try RunConfiguration.resolve(configFile: config, flags: settings, resume: resume, allowChangedKeys: allowChangedKeys)
        if LaunchEnvironment.rank == 0 { changes.forEach { print($0) } }
        try Precision.activate(configuration.precision, origin: configuration.values.origin(of: "train.precision"))
        let options = TrainerOptions(resume: resume, debugChecks: ranks.debug, showProgress: true, startOver: startOver)
        StopSignal.install()
        _ = try ranks.run { comm in
            let trainer = try comm.agree { try Trainer(config: configuration, comm: comm, options: options) }
            let steps = try trainer.run().steps
            try trainer.writeTimeline()
            return steps
        }
    }
}

extension Precision {
    /// Makes `precision` this process's for every product and convolution, or stops with
    /// one line (exit code 2 on every rank) when the CPU lacks the instructions it needs.
    /// `origin` is where the value came from (a flag or a file), for that line.
    static func activate(_ precision: Precision, origin: String) throws {
        if let reason = precision.unsupportedReason(cpuFlags: Precision.availableCPUFlags()) {
            throw ConfigError.invalidValue(origin: origin, key: "train.precision", reason: reason)
        }
        use(precision)
    }
}
