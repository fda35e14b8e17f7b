import Autograd
import Data
import GAN
import NN

/// One configuration key: where it lives in the YAML, its flag, what it
/// accepts, its default and what it means. The schema is the single source of
/// truth for the YAML reader, the flags, the resolved config.yaml and the docs.
public struct ConfigKey: Sendable {
    /// Dotted path in the YAML file, e.g. "optimizer.critic.lr".
    public let path: String
    /// The `tandem train` flag, e.g. "lr-d" for `--lr-d`.
    public let flag: String
    public let type: ConfigType
    public let defaultValue: ConfigValue
    public let help: String
}

/// Every key `tandem train` understands, in the order config.yaml lists them.
public enum ConfigSchema {
    /// The keys every run has, then each method's own section.
    public static let keys: [ConfigKey] = common + MethodKind.allCases.flatMap(\.configKeys)

    static let common: [ConfigKey] = [
        key("name", "name", .string, .string("wgan-gp"), "Run name; the default run directory is runs/<name>-<timestamp>."),
        key("seed", "seed", .int, .int(0), "Seed of every random draw: initialization, data order, latents, penalties."),
        key("run_dir", "run-dir", .optional(.string), .null, "Run directory (default runs/<name>-<timestamp>)."),

        key("method", "method", .choice(of: MethodKind.self), .string("adversarial"), "Training method: what networks are trained and which losses each phase minimizes (see the methods table in the README)."),

        key("data.dataset", "dataset", .choice(of: DatasetKind.self), .string("8gaussians"), "Training data: a toy 2-D mixture, mnist, cifar10, npy, or a folder of PNG/JPEG images."),
        key("data.path", "data", .optional(.string), .null, "File or directory of the data (mnist: IDX directory; cifar10: directory of data_batch_*.bin; npy: the .npy file; folder: a directory searched recursively for .png/.jpg/.jpeg files)."),
        key("data.layout", "data-layout", .choice(of: NpyLayout.self), .string("nchw"), "Axis order of 4-D .npy images."),
        key("data.channels", "channels", .optional(.int), .null, "folder: 1 (grayscale) or 3 (RGB); null: what most of the files are."),
        key("data.resolution", "resolution", .optional(.int), .null, "folder: side of the square images, 32 or 64 (null: 64 for dcgan64, 32 otherwise)."),
        key("data.flip", "flip", .bool, .bool(false), "Mirror each real image left to right with probability 1/2, keyed by step and global sample index."),
        key("data.cache_dir", "cache-dir", .optional(.string), .null, "folder: where the decoded images are cached (null: .tandem-cache beside the folder)."),
        key("data.partial_batch", "partial-batch", .choice(of: PartialBatch.self), .string("drop"), "The last partial batch of an epoch: dropped, or completed from the epoch's start."),
        key("data.limit", "data-limit", .optional(.int), .null, "Train on this many images of the dataset: the first of a fixed shuffle, the same for every run and seed (null: all)."),

        key("model.kind", "model", .choice(of: ModelKind.self), .string("mlp"), "mlp: the WGAN-GP toy networks; dcgan: the WGAN-GP MNIST/CIFAR conv networks (28/32 px); dcgan64: DCGAN at 64 px; resnet: SNGAN's CIFAR ResNet (32 px)."),
        key("model.width", "width", .optional(.int), .null, "Hidden width (mlp, default 512), base channel count (dcgan, dcgan64: default 64), or the resnet critic's channels (default 128; its generator has twice as many)."),
        key("model.z_dim", "z-dim", .optional(.int), .null, "Latent dimension (default 2 for mlp, 128 for dcgan)."),
        key("model.spectral_norm", "spectral-norm", .bool, .bool(false), "Spectral normalization on every critic layer (SNGAN)."),
        key("model.batch_norm", "batch-norm", .bool, .bool(false), "Batch normalization in the generator, synchronized across ranks (dcgan64 and resnet always have it)."),
        key("model.init", "init", .choice(of: ModelInitialization.self), .string("he"), "Initialization: he (He-uniform, Glorot-uniform last layer, zero biases: the WGAN-GP reference) or pytorch (PyTorch's default Linear/Conv init)."),

        key("loss.objective", "objective", .choice(of: Objective.self), .string("wasserstein"), "Adversarial objective."),
        key("loss.penalty", "penalty", .choice(of: PenaltyKind.self), .string("gp"), "Critic regularizer: gradient penalty, R1, R2, DRAGAN, weight clipping, or none."),
        key("loss.penalty_weight", "penalty-weight", .float, .float(0.1), "λ of gp and dragan; γ of r1 and r2 (the term is γ/2·‖∇D‖²)."),
        key("loss.penalty_every", "penalty-every", .int, .int(1), "Apply the penalty every k critic steps, scaled by k (lazy regularization)."),
        key("loss.one_sided", "one-sided", .bool, .bool(false), "gp: penalize only gradient norms above 1."),
        key("loss.clip_limit", "clip-limit", .float, .float(0.01), "clip: critic weights are clamped to [-limit, limit] after each update."),

        key("train.steps", "steps", .int, .int(2000), "Generator iterations."),
        key("train.batch_size", "batch-size", .int, .int(256), "Global batch size, split across ranks."),
        key("train.n_critic", "n-critic", .int, .int(5), "Critic updates per generator update."),
        key("train.ema_decay", "ema-decay", .optional(.float), .null, "Generator EMA with this fixed decay per generator step."),
        key("train.ema_kimg", "ema-kimg", .optional(.float), .null, "Generator EMA half-life in thousands of images (StyleGAN's form); used when ema_decay is null."),
        key("train.ema_rampup", "ema-rampup", .optional(.float), .null, "With ema_kimg: ramp the half-life up to this fraction of the images seen so far."),
        key("train.precision", "precision", .choice(Precision.allCases.map(\.rawValue)), .string("float32"), "Inputs of matrix products and convolutions: float32, or bf16 with float32 sums (CPUs with avx512_bf16)."),

        key("optimizer.generator.kind", "optimizer-g", .choice(of: OptimizerKind.self), .string("adam"), "Generator optimizer."),
        key("optimizer.generator.lr", "lr-g", .float, .float(1e-4), "Generator learning rate."),
        key("optimizer.generator.betas", "betas-g", .floats(count: 2), .floats([0.5, 0.9]), "Generator Adam betas."),
        key("optimizer.generator.weight_decay", "weight-decay-g", .float, .float(0), "Generator weight decay (L2 for adam/sgd/rmsprop, decoupled for adamw)."),
        key("optimizer.generator.momentum", "momentum-g", .float, .float(0), "Generator momentum (sgd, rmsprop)."),
        key("optimizer.generator.schedule", "lr-schedule-g", .choice(of: LearningRateSchedule.Kind.self), .string("constant"), "Generator learning rate: constant, or linear decay to 0 over the run."),
        key("optimizer.critic.kind", "optimizer-d", .choice(of: OptimizerKind.self), .string("adam"), "Critic optimizer."),
        key("optimizer.critic.lr", "lr-d", .float, .float(1e-4), "Critic learning rate (TTUR: a separate rate from the generator's)."),
        key("optimizer.critic.betas", "betas-d", .floats(count: 2), .floats([0.5, 0.9]), "Critic Adam betas."),
        key("optimizer.critic.weight_decay", "weight-decay-d", .float, .float(0), "Critic weight decay."),
        key("optimizer.critic.momentum", "momentum-d", .float, .float(0), "Critic momentum (sgd, rmsprop)."),
        key("optimizer.critic.schedule", "lr-schedule-d", .choice(of: LearningRateSchedule.Kind.self), .string("constant"), "Critic learning rate schedule."),

        key("log.log_every", "log-every", .int, .int(50), "Log losses to metrics.jsonl every k generator steps."),
        key("log.sample_every", "sample-every", .int, .int(500), "Write a sample picture every k steps (0: only at the end)."),
        key("log.checkpoint_every", "checkpoint-every", .int, .int(500), "Write a checkpoint every k steps (0: only at the end)."),
        key("log.keep_checkpoints", "keep-checkpoints", .int, .int(0), "Keep only the newest k checkpoints (0: keep all)."),
        key("log.eval_every", "eval-every", .int, .int(0), "Evaluate the generator (its EMA when kept) every k steps and at the end (0: never)."),
        key("log.timeline", "timeline", .optional(.string), .null, "Write a Chrome trace of the run to this file at its end (open it in Perfetto or chrome://tracing): per rank a compute track (forward, backward, waiting, optimizer) and a gradient-stream track (each bucket's reduction)."),

        key("run.skip_nonfinite", "skip-nonfinite", .int, .int(0), "Skip up to this many updates whose summed gradient is NaN or infinite (agreed by all ranks) before stopping."),
        key("run.watchdog_timeout", "watchdog-timeout", .float, .float(600), "Seconds without progress after which a rank ends the job, naming itself and any stopped rank (0: never)."),
        key("run.overlap", "overlap", .optional(.bool), .null, "Sum each bucket of gradients across ranks as soon as the backward pass has finished it, while the pass goes on (--overlap), or the same buckets after the pass (--no-overlap); both end with the same parameters. null: overlap when the ranks span more than one host (on one host the sums are memory copies on the ranks' own cores, with no wire time to hide)."),
        key("run.bucket_mb", "bucket-mb", .float, .float(1), "Gradient bucket size in MiB of float32 (the first bucket, the last layers' gradients, is a quarter of it)."),
        key("run.grad_compression", "grad-compression", .choice(of: GradientCompression.self), .string("none"), "Gradients on the wire: none (float32), fp16 or bf16 (16 bits each, summed in float32 on arrival)."),
        key("run.update_split", "update-split", .optional(.choice(of: UpdateSplit.self)), .null, "replicated: each bucket is allreduced and every rank runs the whole optimizer; sharded: each bucket is reduce-scattered, each rank updates its share and the new parameters are allgathered (ZeRO-1); both end with the same parameters. null: sharded when the ranks share one host, replicated across hosts (where the summed gradients come back during the backward pass, and the new parameters could only after the optimizer)."),

        key("eval.samples", "eval-samples", .int, .int(2000), "Generated samples per evaluation (and at most this many real ones)."),
        key("eval.classifier", "classifier", .optional(.string), .null, "Feature classifier (.safetensors from tandem classifier train) for FD and KID on images."),
    ]

    static func key(_ path: String, _ flag: String, _ type: ConfigType, _ value: ConfigValue, _ help: String) -> ConfigKey {
        ConfigKey(path: path, flag: flag, type: type, defaultValue: value, help: help)
    }

    static let byPath: [String: ConfigKey] = Dictionary(uniqueKeysWithValues: keys.map { ($0.path, $0) })
    static let byFlag: [String: ConfigKey] = Dictionary(uniqueKeysWithValues: keys.map { ($0.flag, $0) })

    /// Section paths ("optimizer", "optimizer.critic", ...), so a misspelt section gets a hint too.
    static let sections: [String] = {
        var seen: [String] = []
        for key in keys {
            let parts = key.path.split(separator: ".").dropLast()
            for depth in parts.indices {
                let section = parts[...depth].joined(separator: ".")
                if !seen.contains(section) { seen.append(section) }
            }
        }
        return seen
    }()

    /// The known key or section closest in spelling to `path`, for "did you mean" hints.
    static func suggestion(for path: String) -> String? {
        let candidates = keys.map(\.path) + sections
        let leaf = path.split(separator: ".").last.map(String.init) ?? path
        if let sameLeaf = candidates.first(where: { $0.hasSuffix("." + leaf) || $0 == leaf }) { return sameLeaf }
        return candidates.min { editDistance($0, path) < editDistance($1, path) }.flatMap { editDistance($0, path) <= 3 ? $0 : nil }
    }
}

/// Levenshtein distance between two short strings.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return a.isEmpty ? b.count : previous[b.count]
}
