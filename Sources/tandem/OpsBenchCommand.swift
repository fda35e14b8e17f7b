import Formats
import ArgumentParser
import Autograd
import Training

/// `tandem bench ops`: the engine's matmul, a WGAN-GP critic update and the DCGAN
/// convolution primitives against raw sgemm.
struct OpsBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops",
        abstract: """
            Tensor matmul vs raw cblas_sgemm (256x512x512, 1024^3), a toy WGAN-GP critic update, and each convolution \
            primitive of the DCGAN layers on each route (oneDNN, im2col, and in bf16 the weight gradients as products), all against the sgemm peak.
            """)

    @Option(help: "Timed repetitions of each measurement.") var repetitions = 20
    @Option(help: "Convolution layer sets, comma-separated: mnist, dcgan64, or none.") var conv = "mnist,dcgan64"
    @Option(help: "Batch sizes of the 28-pixel (mnist) convolutions, comma-separated.") var convBatches = "1,25,50,100"
    @Option(help: "Batch sizes of the 64-pixel (dcgan64) convolutions, comma-separated.") var convBatches64 = "1,16,64"
    @Option(help: "float32 or bf16: the precision products and convolutions take their inputs in.") var precision: Precision = .float32

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
        _ = try layerSets()
        _ = try batches(convBatches, "--conv-batches")
        _ = try batches(convBatches64, "--conv-batches64")
        if let reason = precision.unsupportedReason(cpuFlags: Precision.availableCPUFlags()) {
            throw ValidationError("--precision \(reason)")
        }
    }

    func run() throws {
        guard LaunchEnvironment.rank == 0 else { return }
        Precision.use(precision)
        let bench = OpsBenchmark(repetitions: repetitions)
        var peak = 0.0
        for (m, n, k) in [(256, 512, 512), (1024, 1024, 1024)] {
            let t = bench.matmul(m: m, n: n, k: k)
            peak = max(peak, t.rawGigaflopsPerSecond)
            var line = JSONLine()
            line["bench"] = "matmul"
            line["shape"] = "\(m)x\(n)x\(k)"
            line["threads"] = BLASThreads.count
            line["precision"] = precision.rawValue
            line["tensor_gflops"] = t.tensorGigaflopsPerSecond
            line["sgemm_gflops"] = t.rawGigaflopsPerSecond
            line["tensor_over_sgemm"] = t.rawSeconds / t.tensorSeconds
            print(line.text)
        }
        let update = try bench.criticUpdate()
        var line = JSONLine()
        line["bench"] = "critic_update"
        line["setup"] = "toy critic 2-512-512-512-1, batch 256+256, gradient penalty 0.1, Adam"
        line["threads"] = BLASThreads.count
        line["precision"] = precision.rawValue
        line["ms"] = update.seconds * 1e3
        line["gemm_gflop"] = Double(update.gemmFlops) / 1e9
        line["gflops"] = update.gigaflopsPerSecond
        line["sgemm_peak_gflops"] = peak
        line["fraction_of_peak"] = update.gigaflopsPerSecond / peak
        print(line.text)
        try convolutions(peak: peak)
    }

    private func convolutions(peak: Double) throws {
        let bench = ConvolutionBenchmark(repetitions: max(3, repetitions / 4))
        for set in try layerSets() {
            for batch in try batches(set == .mnist ? convBatches : convBatches64, "") {
                for layer in set.layers {
                    for primitive in ConvolutionPrimitive.allCases {
                        guard let timing = bench.measure(layer, batch: batch, primitive: primitive) else { continue }
                        print(convolutionLine(timing, peak: peak).text)
                    }
                }
            }
        }
    }

    private func convolutionLine(_ timing: ConvolutionBenchmark.Timing, peak: Double) -> JSONLine {
        var line = JSONLine()
        line["bench"] = "conv"
        line["layer"] = timing.layer.name
        line["batch"] = timing.batch
        line["primitive"] = timing.primitive.rawValue
        line["precision"] = precision.rawValue
        line["threads"] = BLASThreads.count
        line["gflop"] = Double(timing.flops) / 1e9
        line["onednn_impl"] = timing.oneDNNImplementation ?? "none"
        for (variant, _) in timing.seconds.sorted(by: { $0.key.name < $1.key.name }) {
            line[variant.name + "_gflops"] = timing.gigaflopsPerSecond(variant) ?? 0
        }
        line["route"] = timing.selected.rawValue
        line["gflops"] = timing.selectedGigaflopsPerSecond
        line["sgemm_peak_gflops"] = peak
        line["fraction_of_peak"] = timing.selectedGigaflopsPerSecond / peak
        return line
    }

    private func layerSets() throws -> [ConvolutionBenchmark.LayerSet] {
        let names = conv.split(separator: ",").map(String.init)
        if names == ["none"] { return [] }
        return try names.map { name in
            guard let set = ConvolutionBenchmark.LayerSet(rawValue: name) else {
                throw ValidationError("--conv: expected mnist, dcgan64 or none, got '\(name)'")
            }
            return set
        }
    }

    private func batches(_ text: String, _ flag: String) throws -> [Int] {
        try text.split(separator: ",").map { item in
            guard let n = Int(item), n >= 1 else { throw ValidationError("\(flag): expected positive batch sizes, got '\(item)'") }
            return n
        }
    }
}

extension Precision: ExpressibleByArgument {}
