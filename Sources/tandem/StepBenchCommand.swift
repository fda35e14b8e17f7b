import Formats
import ArgumentParser
import Autograd
import MPI
import Training

/// `tandem bench step`: the PyTorch peer's WGAN-GP setups through the data-parallel trainer.
struct StepBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Time training iterations (toy: MLP 512, batch 256; mnist: DCGAN DIM 64, batch 50; dcgan64: DCGAN 64x64, batch 64; resnet: SNGAN ResNet, batch 64) under the launcher's ranks.")

    @Option(help: "toy, mnist, dcgan64 or resnet.") var setup: StepBenchmark.Setup = .toy
    @Option(help: "Timed generator iterations.") var iters = 20
    @Option(help: "Untimed generator iterations first.") var warmup = 3
    @OptionGroup var ranks: RankOptions

    @Argument(parsing: .allUnrecognized, help: "tandem train flags added to the setup's, e.g. --grad-compression bf16 --no-overlap --bucket-mb 2 --timeline step.json")
    var trainFlags: [String] = []

    func validate() throws {
        guard iters >= 1, warmup >= 0 else { throw ValidationError("--iters must be at least 1 and --warmup non-negative") }
    }

    func run() throws {
        let bench = StepBenchmark(setup: setup, iterations: iters, warmup: warmup, trainFlags: trainFlags)
        let results = try ranks.run { comm in (try bench.run(on: comm), comm.rank) }
        guard let (result, rank) = results.first, rank == 0 else { return }
        var line = JSONLine()
        line["impl"] = "tandem"
        line["setup"] = result.setup.rawValue
        line["ranks"] = result.ranks
        line["threads"] = result.threads
        line["global_batch"] = result.globalBatch
        line["critic_iters"] = result.criticIterations
        line["iters"] = result.iterations
        line["gen_iters_per_s"] = result.generatorIterationsPerSecond
        line["critic_samples_per_s"] = result.criticSamplesPerSecond
        line["peak_rss_mib_rank0"] = result.peakResidentMiB
        line["gemm_gflops_rank0"] = result.gemmGigaflopsPerSecond
        line["exposed_comm_share"] = result.exposedCommunicationShare
        line["stream_cpu_share"] = result.streamCPUShare
        line["overlap"] = result.communication.overlap
        line["compression"] = result.communication.compression.rawValue
        line["update_split"] = result.communication.split.rawValue
        line["bucket_mb"] = Double(result.communication.bucketBytes) / 1_048_576
        print(line.text)
    }
}

extension StepBenchmark.Setup: ExpressibleByArgument {}
