import Autograd
import Data
import Foundation
import GAN
import MPI
import NN

/// The data-parallel GAN trainer. Every rank holds the whole generator and
/// critic; each global batch is split across ranks by `ShardedSampler`; each rank's
/// loss is its share of the global-batch mean, so one allreduce-sum per network
/// and update gives every rank the same gradient, and the same update keeps the
/// parameters identical everywhere. Randomness is keyed by (seed, purpose, step,
/// global sample index), so 1, 2 or 3 ranks train the same model.
public final class Trainer {
    public let config: TrainingConfiguration
    public let runDirectory: RunDirectory
    let comm: any Communicator
    let options: TrainerOptions
    let dataset: any Dataset
    let sampler: ShardedSampler
    /// The positions of each global batch this rank computes.
    let shard: Range<Int>
    let models: ModelFactory
    let generator: any Module
    let critic: any Module
    let generatorOptimizer: any Optimizer
    let criticOptimizer: any Optimizer
    let generatorSchedule: LearningRateSchedule
    let criticSchedule: LearningRateSchedule
    let ema: GeneratorEMA?
    let generatorSync: GradientSynchronizer
    let criticSync: GradientSynchronizer
    let regularizer: CriticRegularizer
    /// Measures the generator every `log.eval_every` steps (nil when off).
    let evaluator: Evaluator?
    let generatorParameters: [(name: String, tensor: Tensor)]
    let criticParameters: [(name: String, tensor: Tensor)]
    /// Ends the job when this rank stops making progress.
    let watchdog: Watchdog
    /// Updates skipped so far for a non-finite gradient (up to `config.skipNonFinite`).
    var skippedUpdates = 0
    /// Generator iterations and critic updates completed.
    var step = 0
    var criticStep = 0
    var window = MetricsWindow()
    /// Output lines of rank 0 (progress, warnings).
    let say: (String) -> Void

    /// Builds everything on every rank and brings all ranks to rank 0's state
    /// (fresh, or the newest valid checkpoint with `options.resume`). Every failure
    /// is agreed across ranks, so all ranks throw the same error. `dataset` replaces the
    /// configured one (benchmarks train on in-memory random data).
    public init(
        config: TrainingConfiguration, comm: any Communicator, options: TrainerOptions, dataset given: (any Dataset)? = nil,
        say: @escaping (String) -> Void = { print($0) }
    ) throws {
        self.config = config
        self.comm = comm
        self.options = options
        let rank = comm.rank, size = comm.size
        self.say = comm.rank == 0 ? say : { _ in }
        if options.resume && config.runDirectory == nil { throw TrainingError.resumeNeedsRunDirectory }
        guard config.batchSize >= comm.size else {
            throw TrainingError.batchSmallerThanRanks(origin: config.values.origin(of: "train.batch_size"), batchSize: config.batchSize, ranks: comm.size)
        }
        runDirectory = RunDirectory.resolve(configured: config.runDirectory, name: config.name)
        shard = ShardedSampler.shard(batchSize: config.batchSize, rank: comm.rank, worldSize: comm.size)

        (dataset, sampler, models) = try comm.agree {
            let dataset = try given ?? DatasetFactory.make(config, comm: comm, say: rank == 0 ? say : { _ in })
            let sampler = try ShardedSampler(
                datasetCount: dataset.count, globalBatch: config.batchSize, worldSize: size, seed: config.seed,
                partialBatch: config.wrapPartialBatch ? .wrap : .drop)
            return (dataset, sampler, try ModelFactory(config: config, sampleShape: dataset.sampleShape))
        }
        let models = self.models
        let (generator, critic, generatorOptimizer, criticOptimizer) = try comm.agree {
            let generator = try models.generator()
            let critic = try models.critic()
            return (
                generator, critic, try OptimizerFactory.make(config.generatorOptimizer, parameters: generator.namedParameters),
                try OptimizerFactory.make(config.criticOptimizer, parameters: critic.namedParameters)
            )
        }
        self.generator = generator
        self.critic = critic
        self.generatorOptimizer = generatorOptimizer
        self.criticOptimizer = criticOptimizer
        generatorParameters = generator.namedParameters
        criticParameters = critic.namedParameters
        generatorSchedule = OptimizerFactory.schedule(config.generatorOptimizer, steps: config.steps)
        criticSchedule = OptimizerFactory.schedule(config.criticOptimizer, steps: config.steps)
        ema = config.ema.map { settings in
            switch settings {
            case .decay(let decay): return GeneratorEMA(generator: generator, schedule: .fixed(decay: Double(decay)))
            case .halfLife(let kimg, let rampup): return GeneratorEMA(generator: generator, schedule: .halfLife(kimg: Double(kimg), rampup: rampup.map(Double.init)))
            }
        }
        generatorSync = GradientSynchronizer(parameters: generatorParameters.map(\.tensor), comm: comm)
        criticSync = GradientSynchronizer(parameters: criticParameters.map(\.tensor), comm: comm)
        regularizer = CriticRegularizer(config)
        if size > 1 {
            for batchNorm in generator.batchNormLayers { batchNorm.crossReplicaSum = crossReplicaSum(over: comm) }
        }

        let (dataset, latentDimension) = (self.dataset, config.latentDimension)
        evaluator = config.evalEvery > 0
            ? try comm.agree { try Evaluator(comm: comm, dataset: dataset, latentDimension: latentDimension, settings: config.evaluation) }
            : nil
        watchdog = try Watchdog(timeout: config.watchdogTimeout, comm: comm)
        let runDirectory = self.runDirectory
        try comm.agree {
            if rank == 0 {
                try runDirectory.prepare()
                try runDirectory.writeConfig(config.values.yaml())
            }
        }
        try synchronizeInitialState()
    }

    /// Rank 0 picks the starting state (its fresh models, or the newest valid checkpoint)
    /// and every rank adopts it.
    private func synchronizeInitialState() throws {
        let snapshot: [UInt8] = try comm.agree {
            guard comm.rank == 0 else { return [] }
            if options.resume {
                if let (checkpoint, warnings) = try runDirectory.checkpoints.newestValid() {
                    warnings.forEach(say)
                    try restore(from: checkpoint)
                    say("resuming from \(checkpoint.directory.path) at step \(step) (written by \(checkpoint.state.worldSize) ranks, now \(comm.size))")
                } else {
                    say("no checkpoint in \(runDirectory.url.path) yet: starting from step 0")
                }
            }
            return Array(encodeState())
        }
        let shared = try comm.broadcastBytes(snapshot, root: 0)
        try comm.agree {
            if comm.rank != 0 { try decodeState(Data(shared)) }
        }
    }

    /// The critic as a function, for penalties.
    var criticFunction: (Tensor) -> Tensor {
        let critic = self.critic
        return { critic($0) }
    }
}

extension Module {
    /// The batch normalization layers inside this module (for synchronized statistics).
    var batchNormLayers: [BatchNorm] {
        descendants.compactMap { $0 as? BatchNorm }
    }
}
