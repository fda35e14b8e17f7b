import Autograd
import Data
import GAN
import NN

/// A checked, typed view of the configuration: every value `tandem train` uses.
public struct TrainingConfiguration: Sendable {
    public struct OptimizerSettings: Sendable, Equatable {
        public var kind: OptimizerKind
        public var learningRate: Float
        public var betas: (Float, Float)
        public var weightDecay: Float
        public var momentum: Float
        public var schedule: LearningRateSchedule.Kind

        public init(
            kind: OptimizerKind, learningRate: Float, betas: (Float, Float) = (0.9, 0.999), weightDecay: Float = 0, momentum: Float = 0,
            schedule: LearningRateSchedule.Kind = .constant
        ) {
            self.kind = kind
            self.learningRate = learningRate
            self.betas = betas
            self.weightDecay = weightDecay
            self.momentum = momentum
            self.schedule = schedule
        }

        public static func == (a: Self, b: Self) -> Bool {
            a.kind == b.kind && a.learningRate == b.learningRate && a.betas == b.betas && a.weightDecay == b.weightDecay
                && a.momentum == b.momentum && a.schedule == b.schedule
        }
    }

    /// How the generator's moving average is updated, if at all.
    public enum EMASettings: Sendable, Equatable {
        case decay(Float)
        case halfLife(kimg: Float, rampup: Float?)

        public var schedule: EMASchedule {
            switch self {
            case .decay(let decay): .fixed(decay: Double(decay))
            case .halfLife(let kimg, let rampup): .halfLife(kimg: Double(kimg), rampup: rampup.map(Double.init))
            }
        }
    }

    public let values: ConfigValues
    public let name: String
    public let seed: UInt64
    public let runDirectory: String?
    public let method: MethodKind
    public let dataset: DatasetKind
    public let dataPath: String?
    public let dataLayout: NpyLayout
    /// folder: 1 or 3 channels, or nil for those of most files.
    public let dataChannels: Int?
    /// folder: side of the square images.
    public let dataResolution: Int
    /// Random horizontal flips of the real images.
    public let dataFlip: Bool
    /// folder: where decoded images are cached (nil: beside the folder).
    public let cacheDirectory: String?
    public let initialization: ModelInitialization
    public let partialBatch: PartialBatch
    /// Images to train on (a fixed subset), or nil for all.
    public let dataLimit: Int?
    public let model: ModelKind
    public let width: Int
    public let latentDimension: Int
    public let spectralNorm: Bool
    public let batchNorm: Bool
    public let objective: Objective
    public let penalty: PenaltyKind
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
    /// How gradients are summed across ranks (overlap, buckets, compression, split).
    public let communication: CommunicationRequest
    /// Where the run's Chrome trace goes (nil: none is recorded).
    public let timeline: String?
    public let evaluation: EvaluationSettings

    public init(_ values: ConfigValues) throws {
        let reader = ConfigReader(values: values)
        self.values = values
        name = try reader.string("name")
        guard !name.isEmpty, !name.contains("/") else { throw reader.invalid("name", "must be a non-empty name without '/'") }
        seed = UInt64(try reader.int("seed", atLeast: 0))
        runDirectory = try reader.optionalString("run_dir")
        method = try reader.choice("method")
        dataset = try reader.choice("data.dataset")
        dataPath = try reader.optionalString("data.path")
        if dataset.needsPath && dataPath == nil {
            // Named by where the dataset was chosen: data.path itself was never given.
            throw ConfigError.invalidValue(
                origin: values.origin(of: "data.dataset"), key: "data.path", reason: "dataset \(dataset) needs its data: pass --data PATH")
        }
        dataLayout = try reader.choice("data.layout")
        partialBatch = try reader.choice("data.partial_batch")
        dataLimit = try reader.optionalInt("data.limit", atLeast: 1)
        if dataLimit != nil, case .toy = dataset { throw reader.invalid("data.limit", "needs a dataset read from files, \(dataset.rawValue) draws its samples") }
        model = try reader.choice("model.kind")
        width = try reader.optionalInt("model.width", atLeast: 1) ?? model.defaultWidth
        latentDimension = try reader.optionalInt("model.z_dim", atLeast: 1) ?? model.defaultLatentDimension
        spectralNorm = try reader.bool("model.spectral_norm")
        batchNorm = try reader.bool("model.batch_norm")
        (dataChannels, dataResolution, dataFlip, cacheDirectory, initialization) = try Self.imageSettings(reader, dataset: dataset, model: model)
        objective = try reader.choice("loss.objective")
        penalty = try reader.choice("loss.penalty")
        penaltyWeight = try reader.float("loss.penalty_weight", atLeast: 0)
        penaltyEvery = try reader.int("loss.penalty_every", atLeast: 1)
        oneSided = try reader.bool("loss.one_sided")
        clipLimit = try reader.float("loss.clip_limit", positive: true)
        steps = try reader.int("train.steps", atLeast: 1)
        batchSize = try reader.int("train.batch_size", atLeast: 1)
        criticSteps = try reader.int("train.n_critic", atLeast: 1)
        precision = try reader.choice("train.precision")
        ema = try Self.emaSettings(reader)
        generatorOptimizer = try reader.optimizer("optimizer.generator")
        criticOptimizer = try reader.optimizer("optimizer.critic")
        logEvery = try reader.int("log.log_every", atLeast: 1)
        sampleEvery = try reader.int("log.sample_every", atLeast: 0)
        checkpointEvery = try reader.int("log.checkpoint_every", atLeast: 0)
        keepCheckpoints = try reader.int("log.keep_checkpoints", atLeast: 0)
        evalEvery = try reader.int("log.eval_every", atLeast: 0)
        skipNonFinite = try reader.int("run.skip_nonfinite", atLeast: 0)
        watchdogTimeout = Double(try reader.float("run.watchdog_timeout", atLeast: 0))
        communication = CommunicationRequest(
            overlap: try reader.optionalBool("run.overlap"), bucketBytes: Int(Double(try reader.float("run.bucket_mb", positive: true)) * 1_048_576),
            compression: try reader.choice("run.grad_compression"), split: try reader.optionalChoice("run.update_split"))
        timeline = try reader.optionalString("log.timeline")
        evaluation = EvaluationSettings(
            samples: try reader.int("eval.samples", atLeast: 2), classifier: try reader.optionalString("eval.classifier"), seed: seed)
        if evalEvery > 0, [.mnist, .cifar10].contains(dataset), evaluation.classifier == nil {
            throw reader.invalid("log.eval_every", "evaluating \(dataset.rawValue) images needs eval.classifier (--classifier FILE from tandem classifier train)")
        }
        try method.validate(self)
    }

    /// The generator average: a fixed decay, a half-life in thousands of images, or none.
    private static func emaSettings(_ reader: ConfigReader) throws -> EMASettings? {
        if let decay = try reader.optionalFloat("train.ema_decay") {
            guard decay >= 0 && decay < 1 else { throw reader.invalid("train.ema_decay", "must be in [0, 1), got \(decay)") }
            return .decay(decay)
        }
        guard let kimg = try reader.optionalFloat("train.ema_kimg") else { return nil }
        guard kimg > 0 else { throw reader.invalid("train.ema_kimg", "must be positive, got \(kimg)") }
        let rampup = try reader.optionalFloat("train.ema_rampup")
        if let rampup, rampup <= 0 { throw reader.invalid("train.ema_rampup", "must be positive, got \(rampup)") }
        return .halfLife(kimg: kimg, rampup: rampup)
    }

    /// The folder dataset's keys, flips and the initialization (read after model.kind, which sets the resolution's default).
    private static func imageSettings(
        _ reader: ConfigReader, dataset: DatasetKind, model: ModelKind
    ) throws -> (channels: Int?, resolution: Int, flip: Bool, cacheDirectory: String?, initialization: ModelInitialization) {
        let initialization: ModelInitialization = try reader.choice("model.init")
        let channels = try reader.optionalInt("data.channels", atLeast: 1)
        if let channels, channels != 1 && channels != 3 { throw reader.invalid("data.channels", "must be 1 (grayscale) or 3 (RGB), got \(channels)") }
        let resolution = try reader.optionalInt("data.resolution", atLeast: 1)
        if let resolution, resolution != 32 && resolution != 64 { throw reader.invalid("data.resolution", "must be 32 or 64, got \(resolution)") }
        let cacheDirectory = try reader.optionalString("data.cache_dir")
        for (key, given) in [("data.channels", channels != nil), ("data.resolution", resolution != nil), ("data.cache_dir", cacheDirectory != nil)]
        where given && dataset != .folder { throw reader.invalid(key, "applies only to data.dataset folder, the dataset is \(dataset.rawValue)") }
        return (channels, resolution ?? (model == .dcgan64 ? 64 : 32), try reader.bool("data.flip"), cacheDirectory, initialization)
    }
}
