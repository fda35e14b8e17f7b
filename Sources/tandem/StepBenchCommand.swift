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
            in memory; the output's "data" says which. Train flags after --setup are added to the setup's \
            (e.g. --no-overlap --grad-compression bf16 --bucket-mb 2 --timeline step.json). Prints one JSON \
            object: iterations per second, the share of time the ranks waited for gradient sums, the gradient \
            stream's CPU share, and the share rank 0 spent in the losses' gathers and sums.
            """)

    @Option(help: "toy, mnist, dcgan64 or resnet (default toy, unless --config or configuration flags are given).")
    var setup: StepBenchmark.Setup?
    @Option(help: "A YAML configuration (e.g. configs/sw-mnist.yaml); configuration flags override its keys.")
    var config: String?
    @Option(help: "Timed iterations.") var iters = 20
    @Option(help: "Untimed iterations first.") var warmup = 3
    @Option(help: "float32 or bf16: the precision products and convolutions take their inputs in.") var precision: Precision = .float32
    @Option(
        help: "Convolution kernels: auto (each primitive on its faster route), onednn, im2col, or matmul (weight gradients in bf16 as matrix products, the rest on onednn)."
    ) var convRoute = "auto"
    @OptionGroup var ranks: RankOptions
    @Argument(parsing: .allUnrecognized, help: "Configuration flags, as tandem train takes them (e.g. --set sw.scope=rank, --no-overlap).")
    var settings: [String] = []

    func validate() throws {
        guard iters >= 1, warmup >= 0 else { throw ValidationError("--iters must be at least 1 and --warmup non-negative") }
        if setup != nil && config != nil {
            throw ValidationError("--setup times a built-in setup; it does not take --config")
        }
        guard convRoute == "auto" || ConvolutionRoute(rawValue: convRoute) != nil else {
            let routes = ConvolutionRoute.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--conv-route: expected auto, \(routes), got '\(convRoute)'")
        }
        if let reason = precision.unsupportedReason(cpuFlags: Precision.availableCPUFlags()) {
            throw ValidationError("--precision \(reason)")
        }
    }

    func run() throws {
        Precision.use(precision)
        ConvolutionRoute.forced = ConvolutionRoute(rawValue: convRoute)
        let source: StepBenchmark.Source =
            if let setup { .setup(setup, flags: settings) } else if config == nil && settings.isEmpty { .setup(.toy) } else { .configuration(file: config, flags: settings) }
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
        line["precision"] = precision.rawValue
        line["conv_route"] = convRoute
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
        line["loss_collectives_share_rank0"] = result.lossCollectiveSeconds / result.seconds
        line["cpu_s_per_iter_rank0"] = result.cpuSeconds / Double(result.iterations)
        print(line.text)
    }
}

extension StepBenchmark.Setup: ExpressibleByArgument {}
