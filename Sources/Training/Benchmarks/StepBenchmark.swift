import Autograd
import Data
import Foundation
import MPI

/// Times whole generator iterations (n_critic critic updates and one generator
/// update) of the PyTorch peer's two setups (bench/peer_pytorch.py), and of the 64-pixel
/// DCGAN and SNGAN's ResNet, through the real data-parallel trainer, and reports them
/// under the peer's keys.
public struct StepBenchmark: Sendable {
    /// The peer's setups: `toy` (gan_toy.py) and `mnist` (gan_mnist.py with random data);
    /// `dcgan64` (WGAN-GP with the DCGAN 64×64 networks, D 64, batch 64, random RGB images)
    /// and `resnet` (SNGAN's CIFAR-10 setup: ResNet 256/128, hinge loss, spectral norm, batch 64).
    public enum Setup: String, CaseIterable, Sendable {
        case toy, mnist, dcgan64, resnet
    }

    public struct Result: Sendable {
        public let setup: Setup
        public let ranks: Int
        public let threads: Int
        public let globalBatch: Int
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
        /// How the gradients were summed.
        public let communication: CommunicationSettings

        public var generatorIterationsPerSecond: Double { Double(iterations) / seconds }
        public var criticSamplesPerSecond: Double { Double(iterations * criticIterations * globalBatch) / seconds }
        /// Achieved sgemm GFLOP/s of this rank over the timed iterations.
        public var gemmGigaflopsPerSecond: Double { Double(gemmFlops) / seconds / 1e9 }
    }

    public let setup: Setup
    public let iterations: Int
    public let warmup: Int
    /// `tandem train` flags added to the setup's (e.g. --grad-compression bf16 --no-overlap --timeline FILE).
    public let trainFlags: [String]

    public init(setup: Setup, iterations: Int, warmup: Int, trainFlags: [String] = []) {
        self.setup = setup
        self.iterations = iterations
        self.warmup = warmup
        self.trainFlags = trainFlags
    }

    /// The configuration of the peer's setup.
    func configuration(runDirectory: URL) throws -> TrainingConfiguration {
        var values = ConfigValues()
        // The benchmark runs iterations itself, without the training loop's watchdog beats.
        let common = ["--run-dir", runDirectory.path, "--steps", String(warmup + iterations), "--log-every", "1000000", "--watchdog-timeout", "0"] + trainFlags
        switch setup {
        case .toy:
            try values.apply(flags: common + ["--width", "512", "--batch-size", "256", "--n-critic", "5", "--penalty-weight", "0.1"])
        case .mnist:
            try values.apply(flags: common + ["--model", "dcgan", "--width", "64", "--z-dim", "128", "--batch-size", "50", "--n-critic", "5", "--penalty-weight", "10"])
        case .dcgan64:
            try values.apply(flags: common + ["--model", "dcgan64", "--width", "64", "--z-dim", "100", "--batch-size", "64", "--n-critic", "5", "--penalty-weight", "10"])
        case .resnet:
            try values.apply(
                flags: common + [
                    "--model", "resnet", "--width", "128", "--z-dim", "128", "--batch-size", "64", "--n-critic", "5", "--objective", "hinge",
                    "--penalty", "none", "--spectral-norm", "--lr-d", "2e-4", "--lr-g", "2e-4", "--betas-d", "0,0.9", "--betas-g", "0,0.9",
                ])
        }
        return try TrainingConfiguration(values)
    }

    /// Runs the benchmark on every rank; each rank returns the result (timings of rank 0's clock).
    public func run(on comm: any Communicator) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-bench-\(ProcessInfo.processInfo.processIdentifier)-\(comm.rank)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let config = try configuration(runDirectory: scratch)
        let dataset: (any Dataset)? =
            switch setup {
            case .toy: nil
            case .mnist: RandomImages(channels: 1, size: 28, seed: config.seed)
            case .dcgan64: RandomImages(channels: 3, size: 64, seed: config.seed)
            case .resnet: RandomImages(channels: 3, size: 32, seed: config.seed)
            }
        let trainer = try comm.agree {
            try Trainer(config: config, comm: comm, options: TrainerOptions(showProgress: false), dataset: dataset, say: { _ in })
        }
        for _ in 0..<warmup { try trainer.trainIteration() }
        try comm.barrier()
        trainer.updater.timeline.clear()
        GEMMCounter.reset()
        let communicationBefore = trainer.updater.exposedCommunicationSeconds
        let streamBefore = trainer.updater.stream?.threadCPUSeconds ?? 0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { try trainer.trainIteration() }
        let ownSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        let exposed = (trainer.updater.exposedCommunicationSeconds - communicationBefore) / ownSeconds
        let streamShare = ((trainer.updater.stream?.threadCPUSeconds ?? 0) - streamBefore) / ownSeconds
        try comm.barrier()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        let flops = GEMMCounter.flops
        try trainer.writeTimeline()
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Result(
            setup: setup, ranks: comm.size, threads: BLASThreads.count, globalBatch: config.batchSize, criticIterations: config.criticSteps,
            iterations: iterations, seconds: try comm.allreduce(seconds, .max), peakResidentMiB: Double(usage.ru_maxrss) / 1024, gemmFlops: flops,
            exposedCommunicationShare: try comm.allreduce(exposed, .mean), streamCPUShare: try comm.allreduce(streamShare, .mean),
            communication: config.communication)
    }
}
