import Formats
import ArgumentParser
import Autograd
import Dispatch
import Training

/// `tandem bench sgemm`: raw cblas_sgemm throughput of one process for a while. Run
/// alone and as two processes at once, it measures how well the machine itself
/// scales from one core to two (the ceiling for a two-rank speedup).
struct SgemmBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sgemm", abstract: "Raw sgemm GFLOP/s of this process over a fixed time (default: the toy step's 256x512x512).")

    @Option var m = 256
    @Option var n = 512
    @Option var k = 512
    @Option(help: "Seconds to run.") var seconds = 3.0

    func validate() throws {
        for (flag, value) in [("--m", m), ("--n", n), ("--k", k)] where !(1...16384).contains(value) {
            throw ValidationError("\(flag) must be a matrix size in 1...16384, got \(value)")
        }
        guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be a positive number, got \(seconds)") }
    }

    func run() throws {
        let a = RandomStream(seed: 1, purpose: "sgemm.a").normal(rows: m, columns: k)
        let b = RandomStream(seed: 1, purpose: "sgemm.b").normal(rows: k, columns: n)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        defer { c.deallocate() }
        let start = DispatchTime.now().uptimeNanoseconds
        var calls = 0
        var elapsed = 0.0
        while elapsed < seconds {
            a.withScalars { pa in b.withScalars { pb in rawSgemm(m: m, n: n, k: k, a: pa.baseAddress!, b: pb.baseAddress!, c: c) } }
            calls += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        }
        var line = JSONLine()
        line["bench"] = "sgemm"
        line["shape"] = "\(m)x\(n)x\(k)"
        line["threads"] = BLASThreads.count
        line["gflops"] = 2 * Double(m * n * k) * Double(calls) / elapsed / 1e9
        print(line.text)
    }
}
