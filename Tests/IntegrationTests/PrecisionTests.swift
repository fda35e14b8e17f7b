import Foundation
import XCTest

/// `--precision bf16`: refused with one line where the CPU lacks AVX512_BF16; where it
/// has it, a short DCGAN run in bf16 trains like the float32 run.
final class PrecisionTests: XCTestCase {
    private var cpuHasBF16: Bool {
        ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "").split(separator: "\n")
            .first { $0.hasPrefix("flags") }?.split(separator: " ").contains("avx512_bf16") ?? false
    }

    func testBF16IsRefusedWithOneLineOnEveryRankWhereTheCPULacksAVX512BF16() throws {
        let runs = try TrainingRuns("bf16-refused")
        defer { runs.remove() }
        let output = try runProcess(
            [
                "mpirun", "-q", "-np", "2", "--oversubscribe", "--allow-run-as-root", "-x", "OPENBLAS_NUM_THREADS=1", "-x",
                "TANDEM_HIDE_CPU_FLAGS=avx512_bf16", try Package.binary(), "train", "--run-dir", runs.directory("run").path, "--precision", "bf16",
                "--steps", "1",
            ], timeout: 60)
        XCTAssertEqual(output.status, 2, output.stderr)
        XCTAssertEqual(output.errorLines.count, 1, output.stderr)
        XCTAssertTrue(output.stderr.contains("--precision: train.precision: bf16 needs a CPU with the avx512_bf16 instructions"), output.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: runs.directory("run").path), "a refused run leaves no run directory")
        let bench = try runProcess([try Package.binary(), "bench", "step", "--precision", "bf16"], environment: ["TANDEM_HIDE_CPU_FLAGS": "avx512_bf16"])
        XCTAssertEqual(bench.status, 2, bench.stderr)
        XCTAssertTrue(bench.stderr.contains("--precision bf16 needs a CPU with the avx512_bf16 instructions"), bench.stderr)
    }

    /// The same 24 steps of a small DCGAN (WGAN-GP, Adam 1e-4) on synthetic digits in float32
    /// and in bf16. bf16 rounds every product's inputs (2⁻⁹ relative), so the runs part slowly:
    /// measured on this machine (seeds 0, 1, 2), the bf16 parameters end 0.014–0.047 of the
    /// float32 run's distance travelled from step 8 to 24 away from it. Rounding to 3
    /// significant bits instead of bf16's 8 (a wrong format, tried once) ended 0.13–0.19 away,
    /// and a path that rounds nothing ends at exactly 0. The bounds are 2e-3 and 0.1.
    func testAShortDCGANRunInBF16StaysCloseToTheFloat32Run() throws {
        let runs = try TrainingRuns("bf16-quality")
        defer { runs.remove() }
        let images = runs.directory("digits.npy")
        try writeSyntheticDigits(count: 96, to: images)
        let arguments = [
            "--dataset", "npy", "--data", images.path, "--model", "dcgan", "--width", "16", "--z-dim", "16", "--steps", "24",
            "--n-critic", "2", "--batch-size", "16", "--penalty-weight", "10", "--log-every", "4",
            "--sample-every", "0", "--checkpoint-every", "8",
        ]
        guard cpuHasBF16 else {
            let refused = try runs.tandem(ranks: 1, ["train", "--run-dir", runs.directory("refused").path, "--precision", "bf16"] + arguments)
            XCTAssertEqual(refused.status, 2, "this CPU has no avx512_bf16, so bf16 must be refused: \(refused.stderr)")
            return
        }
        let single = try runs.train("float32", ranks: 1, arguments)
        let half = try runs.train("bf16", ranks: 1, arguments + ["--precision", "bf16"])
        let metrics = try String(contentsOf: half.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        XCTAssertFalse(metrics.contains("nan") || metrics.contains("inf"), metrics)
        for network in ["generator", "critic"] {
            let travelled = SafeTensorsFile.distance(
                try runs.checkpointFile(single, step: 8, network), try runs.checkpointFile(single, step: 24, network))
            let apart = SafeTensorsFile.distance(try runs.checkpointFile(single, step: 24, network), try runs.checkpointFile(half, step: 24, network))
            XCTAssertGreaterThan(travelled, 0, network)
            XCTAssertGreaterThan(apart / travelled, 2e-3, "\(network): the bf16 run is the float32 one, nothing was rounded")
            XCTAssertLessThan(apart / travelled, 0.1, "\(network): bf16 ended \(apart) from float32, which travelled \(travelled)")
        }
    }
}

extension SafeTensorsFile {
    /// ‖a − b‖ over all tensors of two files with the same names.
    static func distance(_ a: SafeTensorsFile, _ b: SafeTensorsFile) -> Double {
        var sum = 0.0
        for (name, entry) in a.entries {
            guard let other = b.entries[name], other.shape == entry.shape else { return .infinity }
            for (x, y) in zip(entry.values, other.values) { sum += Double(x - y) * Double(x - y) }
        }
        return sum.squareRoot()
    }
}
