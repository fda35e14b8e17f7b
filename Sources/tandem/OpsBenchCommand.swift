import Formats
import ArgumentParser
import Autograd
import Training

/// `tandem bench ops`: the engine's matmul and a WGAN-GP critic update against raw sgemm.
struct OpsBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops",
        abstract: "Tensor matmul vs raw cblas_sgemm (256x512x512, 1024^3) and a toy WGAN-GP critic update vs the sgemm peak.")

    @Option(help: "Timed repetitions of each measurement.") var repetitions = 20

    func validate() throws {
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
    }

    func run() throws {
        guard LaunchEnvironment.rank == 0 else { return }
        let bench = OpsBenchmark(repetitions: repetitions)
        var peak = 0.0
        for (m, n, k) in [(256, 512, 512), (1024, 1024, 1024)] {
            let t = bench.matmul(m: m, n: n, k: k)
            peak = max(peak, t.rawGigaflopsPerSecond)
            var line = JSONLine()
            line["bench"] = "matmul"
            line["shape"] = "\(m)x\(n)x\(k)"
            line["threads"] = BLASThreads.count
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
        line["ms"] = update.seconds * 1e3
        line["gemm_gflop"] = Double(update.gemmFlops) / 1e9
        line["gflops"] = update.gigaflopsPerSecond
        line["sgemm_peak_gflops"] = peak
        line["fraction_of_peak"] = update.gigaflopsPerSecond / peak
        print(line.text)
    }
}
