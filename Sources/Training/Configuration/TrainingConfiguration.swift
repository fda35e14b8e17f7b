import Autograd
import GAN

/// A checked, typed view of the configuration: every value `tandem train` uses.
public struct TrainingConfiguration: Sendable {
    public struct OptimizerSettings: Sendable, Equatable {
        public var kind: String
        public var learningRate: Float
        public var betas: (Float, Float)
        public var weightDecay: Float
        public var momentum: Float
        public var linearDecay: Bool

        public static func == (a: Self, b: Self) -> Bool {
            a.kind == b.kind && a.learningRate == b.learningRate && a.betas == b.betas && a.weightDecay == b.weightDecay
                && a.momentum == b.momentum && a.linearDecay == b.linearDecay
        }
    }

    /// How the generator's moving average is updated, if at all.
    public enum EMASettings: Sendable, Equatable {
        case decay(Float)
        case halfLife(kimg: Float, rampup: Float?)
    }

    public let values: ConfigValues
    public let name: String
    public let seed: UInt64
    public let runDirectory: String?
    public let dataset: String
    public let dataPath: String?
    public let dataLayout: String
    public let wrapPartialBatch: Bool
    public let model: String
    public let width: Int
    public let latentDimension: Int
    public let spectralNorm: Bool
    public let batchNorm: Bool
    public let objective: Objective
    public let penalty: String
    public let penaltyWeight: Float
    public let penaltyEvery: Int
    public let oneSided: Bool
    public let clipLimit: Float
    public let steps: Int
    public let batchSize: Int
    public let criticSteps: Int
    public let precision: Precision
    public let ema: EMASettings?
    public let generatorOptimizer: OptimizerSettings
    public let criticOptimizer: OptimizerSettings
    public let logEvery: Int
    public let sampleEvery: Int
    public let checkpointEvery: Int
    public let keepCheckpoints: Int
    public let evalEvery: Int
    public let skipNonFinite: Int
    public let watchdogTimeout: Double
    public let evaluation: EvaluationSettings

    /// Whether the dataset is one of the toy 2-D mixtures (no data file).
    public var isToyDataset: Bool { ["8gaussians", "25gaussians", "swissroll", "ring", "grid"].contains(dataset) }

    public init(_ values: ConfigValues) throws {
        let reader = Reader(values: values)
        self.values = values
        name = try reader.string("name")
        guard !name.isEmpty, !name.contains("/") else { throw reader.invalid("name", "must be a non-empty name without '/'") }
        seed = UInt64(try reader.int("seed", atLeast: 0))
        runDirectory = try reader.optionalString("run_dir")
        dataset = try reader.string("data.dataset")
        dataPath = try reader.optionalString("data.path")
        if !["8gaussians", "25gaussians", "swissroll", "ring", "grid"].contains(dataset) && dataPath == nil {
            // Named by where the dataset was chosen: data.path itself was never given.
            throw ConfigError.invalidValue(
                origin: values.origin(of: "data.dataset"), key: "data.path", reason: "dataset \(dataset) needs its data: pass --data PATH")
        }
        dataLayout = try reader.string("data.layout")
        wrapPartialBatch = try reader.string("data.partial_batch") == "wrap"
        model = try reader.string("model.kind")
        width = try reader.optionalInt("model.width", atLeast: 1) ?? (model == "mlp" ? 512 : 64)
        latentDimension = try reader.optionalInt("model.z_dim", atLeast: 1) ?? (model == "mlp" ? 2 : 128)
        spectralNorm = try reader.bool("model.spectral_norm")
        batchNorm = try reader.bool("model.batch_norm")
        objective = Objective(rawValue: try reader.string("loss.objective"))!
        penalty = try reader.string("loss.penalty")
        penaltyWeight = try reader.float("loss.penalty_weight", atLeast: 0)
        penaltyEvery = try reader.int("loss.penalty_every", atLeast: 1)
        oneSided = try reader.bool("loss.one_sided")
        clipLimit = try reader.float("loss.clip_limit", positive: true)
        steps = try reader.int("train.steps", atLeast: 1)
        batchSize = try reader.int("train.batch_size", atLeast: 1)
        criticSteps = try reader.int("train.n_critic", atLeast: 1)
        guard let precision = Precision(rawValue: try reader.string("train.precision")) else { throw reader.invalid("train.precision", "expected float32 or bf16") }
        self.precision = precision
        if let decay = try reader.optionalFloat("train.ema_decay") {
            guard decay >= 0 && decay < 1 else { throw reader.invalid("train.ema_decay", "must be in [0, 1), got \(decay)") }
            ema = .decay(decay)
        } else if let kimg = try reader.optionalFloat("train.ema_kimg") {
            guard kimg > 0 else { throw reader.invalid("train.ema_kimg", "must be positive, got \(kimg)") }
            let rampup = try reader.optionalFloat("train.ema_rampup")
            if let rampup, rampup <= 0 { throw reader.invalid("train.ema_rampup", "must be positive, got \(rampup)") }
            ema = .halfLife(kimg: kimg, rampup: rampup)
        } else {
            ema = nil
        }
        generatorOptimizer = try reader.optimizer("optimizer.generator")
        criticOptimizer = try reader.optimizer("optimizer.critic")
        logEvery = try reader.int("log.log_every", atLeast: 1)
        sampleEvery = try reader.int("log.sample_every", atLeast: 0)
        checkpointEvery = try reader.int("log.checkpoint_every", atLeast: 0)
        keepCheckpoints = try reader.int("log.keep_checkpoints", atLeast: 0)
        evalEvery = try reader.int("log.eval_every", atLeast: 0)
        skipNonFinite = try reader.int("run.skip_nonfinite", atLeast: 0)
        watchdogTimeout = Double(try reader.float("run.watchdog_timeout", atLeast: 0))
        evaluation = EvaluationSettings(
            samples: try reader.int("eval.samples", atLeast: 2), classifier: try reader.optionalString("eval.classifier"), seed: seed)
        if evalEvery > 0, ["mnist", "cifar10"].contains(dataset), evaluation.classifier == nil {
            throw reader.invalid("log.eval_every", "evaluating \(dataset) images needs eval.classifier (--classifier FILE from tandem classifier train)")
        }
    }

    /// Reads typed values and words errors with the key and where its value came from.
    private struct Reader {
        let values: ConfigValues

        func invalid(_ path: String, _ reason: String) -> ConfigError {
            .invalidValue(origin: values.origin(of: path), key: path, reason: reason)
        }

        func string(_ path: String) throws -> String {
            guard case .string(let s) = values[path] else { throw invalid(path, "expected a string") }
            return s
        }

        func optionalString(_ path: String) throws -> String? {
            if case .null = values[path] { return nil }
            return try string(path)
        }

        func bool(_ path: String) throws -> Bool {
            guard case .bool(let b) = values[path] else { throw invalid(path, "expected true or false") }
            return b
        }

        func int(_ path: String, atLeast minimum: Int) throws -> Int {
            guard case .int(let v) = values[path] else { throw invalid(path, "expected a whole number") }
            guard v >= minimum else { throw invalid(path, "must be at least \(minimum), got \(v)") }
            return v
        }

        func optionalInt(_ path: String, atLeast minimum: Int) throws -> Int? {
            if case .null = values[path] { return nil }
            return try int(path, atLeast: minimum)
        }

        func float(_ path: String, atLeast minimum: Float? = nil, positive: Bool = false) throws -> Float {
            guard case .float(let v) = values[path] else { throw invalid(path, "expected a number") }
            let value = Float(v)
            guard value.isFinite else { throw invalid(path, "must be a finite 32-bit number, got \(formatNumber(v))") }
            if positive && !(value > 0) { throw invalid(path, "must be positive, got \(formatNumber(v))") }
            if let minimum, !(value >= minimum) { throw invalid(path, "must be at least \(formatNumber(Double(minimum))), got \(formatNumber(v))") }
            return value
        }

        func optionalFloat(_ path: String) throws -> Float? {
            if case .null = values[path] { return nil }
            return try float(path)
        }

        func optimizer(_ prefix: String) throws -> OptimizerSettings {
            guard case .floats(let betas) = values[prefix + ".betas"] else { throw invalid(prefix + ".betas", "expected two numbers") }
            for beta in betas where !(beta >= 0 && beta < 1) {
                throw invalid(prefix + ".betas", "each beta must be in [0, 1), got \(formatNumber(beta))")
            }
            return OptimizerSettings(
                kind: try string(prefix + ".kind"), learningRate: try float(prefix + ".lr", positive: true),
                betas: (Float(betas[0]), Float(betas[1])), weightDecay: try float(prefix + ".weight_decay", atLeast: 0),
                momentum: try float(prefix + ".momentum", atLeast: 0), linearDecay: try string(prefix + ".schedule") == "linear")
        }
    }
}
