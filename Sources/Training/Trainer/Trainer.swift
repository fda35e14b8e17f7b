import Autograd
import Data
import Foundation
import GAN
import MPI
import NN

/// The data-parallel trainer of any `TrainingMethod`. Every rank holds every
/// network; each global batch is split across ranks by `ShardedSampler`; each
/// rank's loss is its share of the global-batch loss, so one reduce-scatter per
/// network and update gives every rank its share of the same gradient, and the
/// same update keeps the parameters identical everywhere. Randomness is keyed by
/// (seed, purpose, step, global sample index), so 1, 2 or 3 ranks train the same model.
public final class Trainer {
    public let config: TrainingConfiguration
    public let runDirectory: RunDirectory
    let comm: any Communicator
    let options: TrainerOptions
    let dataset: any Dataset
    public let method: any TrainingMethod
    let realData: RealData
    let updater: NetworkUpdater
    /// Measures the method's samples every `log.eval_every` steps (nil when off).
    let evaluator: Evaluator?
    /// Ends the job when this rank stops making progress.
    let watchdog: Watchdog
    /// Iterations completed, and updates made by each phase (they key the phases' draws).
    var step = 0
    var phaseSteps: [String: Int] = [:]
    var window = MetricsWindow()
    /// Output lines of rank 0 (progress, warnings).
    let say: (String) -> Void

    /// Builds everything on every rank and brings all ranks to rank 0's state
    /// (fresh, or the newest valid checkpoint with `options.resume`). Every failure
    /// is agreed across ranks, so all ranks throw the same error. `dataset` replaces the
    /// configured one (benchmarks train on in-memory random data); `method` builds a method
    /// the configuration cannot name (one defined outside Tandem) instead of `config.method`.
    public init(
        config: TrainingConfiguration, comm: any Communicator, options: TrainerOptions, dataset given: (any Dataset)? = nil,
        method build: ((MethodSetup) throws -> any TrainingMethod)? = nil, say: @escaping (String) -> Void = { print($0) }
    ) throws {
        self.config = config
        self.comm = comm
        self.options = options
        let say = comm.rank == 0 ? say : { _ in }
        self.say = say
        collectives = Collectives(comm: comm)
        if options.resume && config.runDirectory == nil { throw TrainingError.resumeNeedsRunDirectory }
        guard config.batchSize >= comm.size else {
            throw TrainingError.batchSmallerThanRanks(origin: config.values.origin(of: "train.batch_size"), batchSize: config.batchSize, ranks: comm.size)
        }
        runDirectory = RunDirectory.resolve(configured: config.runDirectory, name: config.name)
        let (dataset, sampler) = try comm.agree {
            let dataset = try given ?? DatasetFactory.make(config, comm: comm, say: say)
            let sampler = try ShardedSampler(
                datasetCount: dataset.count, globalBatch: config.batchSize, worldSize: comm.size, seed: config.seed, partialBatch: config.partialBatch)
            return (dataset, sampler)
        }
        self.dataset = dataset
        realData = RealData(dataset: dataset, sampler: sampler, rank: comm.rank)
        method = try comm.agree {
            let setup = MethodSetup(config: config, sampleShape: dataset.sampleShape, comm: comm, dataset: dataset)
            return try build?(setup) ?? config.method.make(setup)
        }
        updater = try NetworkUpdater(
            comm: comm, settings: config.communication.settings(for: comm), timeline: config.timeline == nil ? .disabled : try Timeline.recording(comm: comm),
            skipLimit: config.skipNonFinite, debugChecks: options.debugChecks, say: say)
        evaluator = config.evalEvery > 0
            ? try comm.agree { try Evaluator(comm: comm, dataset: dataset, settings: config.evaluation) }
            : nil
        watchdog = try Watchdog(timeout: config.watchdogTimeout, comm: comm)
        try checkMemory()
        try comm.agree { if comm.rank == 0 { try prepareRunDirectory() } }
        try synchronizeInitialState()
    }

    deinit {
        watchdog.stop()
    }

    /// Rank 0: refuses (or with `startOver` moves aside) an earlier run unless resuming,
    /// then creates the directory tree and records the configuration.
    private func prepareRunDirectory() throws {
        if !options.resume, let holds = runDirectory.earlierRun {
            guard options.startOver else { throw TrainingError.runDirectoryInUse(path: runDirectory.url.path, holds: holds) }
            say("moved the earlier run in \(runDirectory.url.path) to \(try runDirectory.moveAside().path)")
        }
        try runDirectory.prepare()
        try runDirectory.writeConfig(config.values.yaml())
    }

    /// The collectives losses and methods use (one clock times all of them).
    let collectives: Collectives

    /// One iteration: every phase of the method, each `repeats` times, then the method's
    /// end-of-iteration work. Logged values of applied updates go to the metrics window.
    func trainIteration() throws {
        watchdog.beat(step: step)
        let start = Timeline.now
        defer { updater.timeline.record("iteration \(step)", from: start) }
        for phase in method.phases(at: step) {
            for _ in 0..<phase.repeats {
                let phaseStep = phaseSteps[phase.name, default: 0]
                let context = StepContext(
                    phase: phase.name, phaseStep: phaseStep, iteration: step, seed: config.seed, globalBatch: config.batchSize,
                    collectives: collectives, data: realData)
                if let loss = try updater.run(phase, context: context, step: step) { window.add(loss.logged) }
                phaseSteps[phase.name] = phaseStep + 1
            }
        }
        try method.finishIteration(step, collectives: collectives)
        step += 1
    }
}
