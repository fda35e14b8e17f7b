import Foundation
import XCTest

/// DiffAugment and ADA under real mpirun: the same run on 1, 2 and 3 ranks (13 images
/// split 13, 7 + 6, 5 + 4 + 4) ends with the same parameters and the same p; an ADA run
/// resumed on another number of ranks, from a checkpoint written in the middle of an
/// update interval of p, ends like a straight run; a resume without ADA's state is refused.
final class AugmentationRunTests: XCTestCase {
    private func common(_ images: URL) -> [String] {
        [
            "--dataset", "npy", "--data", images.path, "--model", "dcgan", "--width", "4", "--z-dim", "8", "--batch-size", "13",
            "--sample-every", "0", "--log-every", "1", "--optimizer-d", "sgd", "--optimizer-g", "sgd", "--lr-d", "0.05", "--lr-g", "0.05",
        ]
    }

    /// ADA with R1 through the augmentation; p starts at 0.6 and moves by 13·2/100 = 0.26 every 2 critic steps.
    private let ada = ["--augment", "ada", "--augment-p", "0.6", "--ada-kimg", "0.1", "--ada-interval", "2", "--objective", "nonsaturating", "--penalty", "r1", "--penalty-weight", "1"]

    private func assertSameRun(_ runs: TrainingRuns, _ a: URL, _ b: URL, step: Int, files: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        for name in files {
            let distance = SafeTensorsFile.relativeDistance(try runs.checkpointFile(a, step: step, name), try runs.checkpointFile(b, step: step, name))
            XCTAssertLessThanOrEqual(distance, 1e-4, "\(name) of \(b.lastPathComponent) vs \(a.lastPathComponent)", file: file, line: line)
        }
    }

    private func adaState(_ runs: TrainingRuns, _ run: URL, step: Int) throws -> [String: Float] {
        try runs.checkpointFile(run, step: step, "method").entries.mapValues { $0.values[0] }
    }

    func testDiffAugmentAndADARunsEndWithTheSameParametersOnOneTwoAndThreeRanks() throws {
        let runs = try TrainingRuns("augment-invariance")
        defer { runs.remove() }
        let images = runs.directory("digits.npy")
        try writeStrokeImages(count: 52, to: images)
        let cases: [(String, [String], [String])] = [
            ("diffaugment", ["--augment", "diffaugment", "--penalty-weight", "10"], ["generator", "critic"]),
            ("ada", ada, ["generator", "critic", "method"]),
        ]
        for (name, options, files) in cases {
            let arguments = common(images) + options + ["--steps", "3", "--n-critic", "2"]
            let one = try runs.train("\(name)-1", ranks: 1, arguments)
            for ranks in [2, 3] {
                try assertSameRun(runs, one, try runs.train("\(name)-\(ranks)", ranks: ranks, arguments), step: 3, files: files)
            }
        }
        let p = try adaState(runs, runs.directory("ada-3"), step: 3)["ada.p"]
        XCTAssertNotNil(p)
        XCTAssertNotEqual(p, 0.6, "the run must move p")
        let metrics = try String(contentsOf: runs.directory("ada-2").appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        XCTAssertTrue(metrics.contains("\"ada_p\"") && metrics.contains("\"ada_sign_real\""), metrics)
    }

    func testAnADARunResumedOnAnotherNumberOfRanksEqualsAStraightRunAndAResumeWithoutItsStateIsRefused() throws {
        let runs = try TrainingRuns("augment-resume")
        defer { runs.remove() }
        let images = runs.directory("digits.npy")
        try writeStrokeImages(count: 52, to: images)
        // One critic step per iteration and p moved every 2: the checkpoint at step 3 holds one step's signs.
        let arguments = common(images) + ada + ["--n-critic", "1", "--checkpoint-every", "3"]
        let straight = try runs.train("straight", ranks: 2, arguments + ["--steps", "6"])
        let resumed = try runs.train("resumed", ranks: 1, arguments + ["--steps", "3"])
        XCTAssertEqual(try adaState(runs, resumed, step: 3)["ada.sign_count"], 13)
        let output = try runs.tandem(ranks: 3, ["train", "--run-dir", resumed.path, "--resume", "--steps", "6"])
        XCTAssertEqual(output.status, 0, output.stderr)
        try assertSameRun(runs, straight, resumed, step: 6, files: ["generator", "critic"])
        XCTAssertEqual(try adaState(runs, straight, step: 6), try adaState(runs, resumed, step: 6))

        let plain = try runs.train("plain", ranks: 1, common(images) + ["--steps", "2", "--n-critic", "1"])
        let refused = try runs.tandem(ranks: 2, ["train", "--run-dir", plain.path, "--resume", "--augment", "ada", "--steps", "4"])
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertEqual(refused.errorLines.count, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("checkpoints/step-0000002/method.safetensors: no such file"), refused.stderr)
    }

    /// A .npy file of `count` 28x28 uint8 images: slanted strokes, different per index.
    private func writeStrokeImages(count: Int, to url: URL) throws {
        var pixels = [UInt8](repeating: 0, count: count * 784)
        for i in 0..<count {
            for y in 0..<28 {
                for x in 0..<28 {
                    let distance = abs(Double(x) - 14 - Double(i % 7 - 3) * Double(y - 14) / 6) - Double(i % 3)
                    pixels[i * 784 + y * 28 + x] = UInt8(max(0, min(255, 255 - distance * 70)))
                }
            }
        }
        var header = "{'descr': '|u1', 'fortran_order': False, 'shape': (\(count), 28, 28), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        data.append(contentsOf: withUnsafeBytes(of: UInt16(header.utf8.count + 1).littleEndian, Array.init))
        data.append(contentsOf: Array((header + "\n").utf8))
        data.append(contentsOf: pixels)
        try data.write(to: url)
    }
}
