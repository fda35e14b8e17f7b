import Autograd
import Data
import Foundation
import MPI

/// Times whole iterations (every phase of the method: n_critic critic updates and one
/// generator update for WGAN-GP) through the real data-parallel trainer, of the PyTorch
/// peer's two setups (bench/peer_pytorch.py), the 64-pixel DCGAN, SNGAN's ResNet, or any
/// configuration (a preset and flags, as `tandem train` takes them).
public struct StepBenchmark: Sendable {
    /// The peer's setups: `toy` (gan_toy.py) and `mnist` (gan_mnist.py with random data);
    /// `dcgan64` (WGAN-GP with the DCGAN 64×64 networks, D 64, batch 64, random RGB images)
    /// and `resnet` (SNGAN's CIFAR-10 setup: ResNet 256/128, hinge loss, spectral norm, batch 64).
    public enum Setup: String, CaseIterable, Sendable {
        case toy, mnist, dcgan64, resnet
    }

    /// What is timed: a built-in setup, or a configuration file and flags.
    public enum Source: Sendable {
        /// A setup, with train flags added to its own (e.g. --no-overlap --grad-compression bf16).
        case setup(Setup, flags: [String] = [])
        case configuration(file: String?, flags: [String])
    }

    public struct Result: Sendable {
        /// The setup's name, or the configuration's `name`.
        public let name: String
        public let method: String
        /// Where the real samples came from: a data path, a toy mixture, or in-memory random images.
        public let data: String
        public let ranks: Int
        public let threads: Int
        public let globalBatch: Int
        /// Critic updates per iteration (the repeats of the method's "critic" phase; 0 without one).
        public let criticIterations: Int
        public let iterations: Int
        public let seconds: Double
        public let peakResidentMiB: Double
        public let gemmFlops: Int
        /// The share of the timed iterations each rank spent waiting for gradient
        /// communication, averaged over the ranks.
        public let exposedCommunicationShare: Double
        /// CPU time of each rank's gradient stream thread over the timed iterations, as a
        /// share of their wall time, averaged over the ranks.
        public let streamCPUShare: Double
        /// How the gradients were summed (as decided for these ranks).
        public let communication: CommunicationSettings
        /// Seconds rank 0 spent in the losses' collectives (gathers and sums, forward and backward).
        public let lossCollectiveSeconds: Double
        /// CPU seconds (user and system) rank 0 used during the timed iterations: less
        /// sensitive than wall time to other processes on the same cores.
        public let cpuSeconds: Double

        public var generatorIterationsPerSecond: Double { Double(iterations) / seconds }
        public var criticSamplesPerSecond: Double { Double(iterations * criticIterations * globalBatch) / seconds }
        /// Achieved sgemm GFLOP/s of this rank over the timed iterations.
        public var gemmGigaflopsPerSecond: Double { Double(gemmFlops) / seconds / 1e9 }
    }

    public let source: Source
    public let iterations: Int
    public let warmup: Int

    public init(source: Source, iterations: Int, warmup: Int) {
        self.source = source
        self.iterations = iterations
        self.warmup = warmup
    }

    /// The configuration to time and, for image data without a path, the in-memory random
    /// images that replace it (every rank agrees on them).
    func configuration(runDirectory: URL) throws -> (config: TrainingConfiguration, images: RandomImages?) {
        var values = ConfigValues()
        // The benchmark runs iterations itself, without the training loop's watchdog beats.
        let common = ["--run-dir", runDirectory.path, "--steps", String(warmup + iterations), "--log-every", "1000000", "--watchdog-timeout", "0"]
        switch source {
        case .setup(let setup, let flags):
            try values.apply(flags: common + setup.flags + flags)
        case .configuration(let file, let flags):
            if let file { try values.merge(yamlFile: file) }
            try values.apply(flags: flags + common)
        }
        let shape = try Self.randomImageShape(values)
        if shape != nil { try values.apply(flags: ["--data", "random-images"]) }
        let config = try TrainingConfiguration(values)
        return (config, shape.map { RandomImages(channels: $0[0], size: $0[1], seed: config.seed) })
    }

    /// The sample shape of image data named without a path (mnist, cifar10, folder), which
    /// the benchmark replaces by random images; nil for data it reads or draws.
    static func randomImageShape(_ values: ConfigValues) throws -> [Int]? {
        guard case .null = values["data.path"] else { return nil }
        let reader = ConfigReader(values: values)
        let dataset: DatasetKind = try reader.choice("data.dataset")
        switch dataset {
        case .mnist: return [1, 28, 28]
        case .cifar10: return [3, 32, 32]
        case .folder:
            let model: ModelKind = try reader.choice("model.kind")
            let side = try reader.optionalInt("data.resolution", atLeast: 1) ?? (model == .dcgan64 ? 64 : 32)
            return [try reader.optionalInt("data.channels", atLeast: 1) ?? 3, side, side]
        case .toy, .npy: return nil
        }
    }

    /// Runs the benchmark on every rank; each rank returns the result (timings of rank 0's clock).
    public func run(on comm: any Communicator) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-bench-\(ProcessInfo.processInfo.processIdentifier)-\(comm.rank)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (config, images) = try comm.agree { try configuration(runDirectory: scratch) }
        let trainer = try comm.agree {
            try Trainer(config: config, comm: comm, options: TrainerOptions(showProgress: false), dataset: images, say: { _ in })
        }
        for _ in 0..<warmup { try trainer.trainIteration() }
        try comm.barrier()
        trainer.updater.timeline.clear()
        GEMMCounter.reset()
        let (lossesBefore, cpuBefore) = (trainer.collectives.clock.seconds, Self.cpuSeconds())
        let (communicationBefore, streamBefore) = (trainer.updater.exposedCommunicationSeconds, trainer.updater.stream?.threadCPUSeconds ?? 0)
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { try trainer.trainIteration() }
        let ownSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        let exposed = (trainer.updater.exposedCommunicationSeconds - communicationBefore) / ownSeconds
        let streamShare = ((trainer.updater.stream?.threadCPUSeconds ?? 0) - streamBefore) / ownSeconds
        try comm.barrier()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        let (flops, cpu) = (GEMMCounter.flops, Self.cpuSeconds() - cpuBefore)
        try trainer.writeTimeline()
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Result(
            name: name(config), method: config.method.rawValue, data: data(config, images), ranks: comm.size, threads: BLASThreads.count,
            globalBatch: config.batchSize, criticIterations: trainer.method.phases(at: 0).filter { $0.name == "critic" }.reduce(0) { $0 + $1.repeats },
            iterations: iterations, seconds: try comm.allreduce(seconds, .max),
            peakResidentMiB: Double(usage.ru_maxrss) / 1024, gemmFlops: flops,
            exposedCommunicationShare: try comm.allreduce(exposed, .mean), streamCPUShare: try comm.allreduce(streamShare, .mean),
            communication: trainer.updater.settings, lossCollectiveSeconds: trainer.collectives.clock.seconds - lossesBefore, cpuSeconds: cpu)
    }

    /// User and system CPU seconds of this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let seconds = { (t: timeval) in Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    private func name(_ config: TrainingConfiguration) -> String {
        if case .setup(let setup, _) = source { return setup.rawValue }
        return config.name
    }

    private func data(_ config: TrainingConfiguration, _ images: RandomImages?) -> String {
        if let images { return "random images \(images.sampleShape) in memory (no data path given)" }
        return config.dataPath ?? config.dataset.rawValue
    }
}

extension StepBenchmark.Setup {
    /// The setup's configuration flags.
    var flags: [String] {
        switch self {
        case .toy:
            ["--width", "512", "--batch-size", "256", "--n-critic", "5", "--penalty-weight", "0.1"]
        case .mnist:
            ["--dataset", "mnist", "--model", "dcgan", "--width", "64", "--z-dim", "128", "--batch-size", "50", "--n-critic", "5", "--penalty-weight", "10"]
        case .dcgan64:
            ["--dataset", "folder", "--model", "dcgan64", "--width", "64", "--z-dim", "100", "--batch-size", "64", "--n-critic", "5", "--penalty-weight", "10"]
        case .resnet:
            [
                "--dataset", "cifar10", "--model", "resnet", "--width", "128", "--z-dim", "128", "--batch-size", "64", "--n-critic", "5", "--objective",
                "hinge", "--penalty", "none", "--spectral-norm", "--lr-d", "2e-4", "--lr-g", "2e-4", "--betas-d", "0,0.9", "--betas-g", "0,0.9",
            ]
        }
    }
}
