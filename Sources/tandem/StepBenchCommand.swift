import Formats
import ArgumentParser
import Autograd
import MPI
import Training

/// `tandem bench step`: training iterations of a setup or any configuration through the data-parallel trainer.
struct StepBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Time training iterations of a setup (toy: MLP 512, batch 256; mnist: DCGAN DIM 64, batch 50; dcgan64: DCGAN 64x64, batch 64; resnet: SNGAN ResNet, batch 64) or of a configuration (--config FILE and train flags) under the launcher's ranks.",
        discussion: """
            With --config (and/or configuration flags such as --method sw --batch-size 64), image datasets \
            named without --data (mnist, cifar10, folder) are replaced by random images of the same shape held \
            in memory; the output's "data" says which. Prints one JSON object: iterations per second, and the \
            shares of time rank 0 spent in the gradient collectives and in the losses' gathers and sums.
            """)

    @Option(help: "toy, mnist, dcgan64 or resnet (default toy, unless --config or configuration flags are given).")
    var setup: StepBenchmark.Setup?
    @Option(help: "A YAML configuration (e.g. configs/sw-mnist.yaml); configuration flags override its keys.")
    var config: String?
    @Option(help: "Timed iterations.") var iters = 20
    @Option(help: "Untimed iterations first.") var warmup = 3
    @OptionGroup var ranks: RankOptions
    @Argument(parsing: .allUnrecognized, help: "Configuration flags, as tandem train takes them (e.g. --set sw.scope=rank).")
    var settings: [String] = []

    func validate() throws {
        guard iters >= 1, warmup >= 0 else { throw ValidationError("--iters must be at least 1 and --warmup non-negative") }
        if setup != nil && (config != nil || !settings.isEmpty) {
            throw ValidationError("--setup times a built-in setup; it does not take --config or configuration flags")
        }
    }

    func run() throws {
        let source: StepBenchmark.Source = config == nil && settings.isEmpty ? .setup(setup ?? .toy) : .configuration(file: config, flags: settings)
        let bench = StepBenchmark(source: source, iterations: iters, warmup: warmup)
        let results = try ranks.run { comm in (try bench.run(on: comm), comm.rank) }
        guard let (result, rank) = results.first, rank == 0 else { return }
        var line = JSONLine()
        line["impl"] = "tandem"
        line["setup"] = result.name
        line["method"] = result.method
        line["data"] = result.data
        line["ranks"] = result.ranks
        line["threads"] = result.threads
        line["global_batch"] = result.globalBatch
        line["critic_iters"] = result.criticIterations
        line["iters"] = result.iterations
        line["gen_iters_per_s"] = result.generatorIterationsPerSecond
        line["critic_samples_per_s"] = result.criticSamplesPerSecond
        line["peak_rss_mib_rank0"] = result.peakResidentMiB
        line["gemm_gflops_rank0"] = result.gemmGigaflopsPerSecond
        line["allreduce_share_rank0"] = result.allreduceSeconds / result.seconds
        line["loss_collectives_share_rank0"] = result.lossCollectiveSeconds / result.seconds
        line["cpu_s_per_iter_rank0"] = result.cpuSeconds / Double(result.iterations)
        print(line.text)
    }
}

extension StepBenchmark.Setup: ExpressibleByArgument {}
