import ArgumentParser
import Autograd
import MPI
import Training

/// `tandem bench step`: the PyTorch peer's WGAN-GP setups through the data-parallel trainer.
struct StepBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Time the peer's WGAN-GP iterations (toy: MLP 512, batch 256; mnist: DCGAN DIM 64, batch 50) under the launcher's ranks.")

    @Option(help: "toy or mnist.") var setup: StepBenchmark.Setup = .toy
    @Option(help: "Timed generator iterations.") var iters = 20
    @Option(help: "Untimed generator iterations first.") var warmup = 3
    @Option(help: "float32 or bf16: the precision products and convolutions take their inputs in.") var precision: Precision = .float32
    @Option(help: "Convolution kernels: auto (each primitive on its faster route), onednn or im2col.") var convRoute = "auto"
    @OptionGroup var ranks: RankOptions

    func validate() throws {
        guard iters >= 1, warmup >= 0 else { throw ValidationError("--iters must be at least 1 and --warmup non-negative") }
        guard convRoute == "auto" || ConvolutionRoute(rawValue: convRoute) != nil else {
            throw ValidationError("--conv-route: expected auto, onednn or im2col, got '\(convRoute)'")
        }
        if let reason = precision.unsupportedReason(cpuFlags: Precision.availableCPUFlags()) {
            throw ValidationError("--precision \(reason)")
        }
    }

    func run() throws {
        Precision.use(precision)
        ConvolutionRoute.forced = ConvolutionRoute(rawValue: convRoute)
        let bench = StepBenchmark(setup: setup, iterations: iters, warmup: warmup)
        let results = try ranks.run { comm in (try bench.run(on: comm), comm.rank) }
        guard let (result, rank) = results.first, rank == 0 else { return }
        var line = JSONLine()
        line["impl"] = "tandem"
        line["setup"] = result.setup.rawValue
        line["ranks"] = result.ranks
        line["threads"] = result.threads
        line["precision"] = precision.rawValue
        line["conv_route"] = convRoute
        line["global_batch"] = result.globalBatch
        line["critic_iters"] = result.criticIterations
        line["iters"] = result.iterations
        line["gen_iters_per_s"] = result.generatorIterationsPerSecond
        line["critic_samples_per_s"] = result.criticSamplesPerSecond
        line["peak_rss_mib_rank0"] = result.peakResidentMiB
        line["gemm_gflops_rank0"] = result.gemmGigaflopsPerSecond
        line["allreduce_share_rank0"] = result.allreduceSeconds / result.seconds
        print(line.text)
    }
}

extension StepBenchmark.Setup: ExpressibleByArgument {}
