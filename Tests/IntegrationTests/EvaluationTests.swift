import Foundation
import XCTest

/// `tandem eval` and evaluation during training: each rank measures its share of the
/// samples by global index, so 1 and 2 ranks report the same numbers.
final class EvaluationTests: XCTestCase {
    private func evalLine(_ output: ProcessOutput, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertEqual(output.status, 0, output.stderr, file: file, line: line)
        let last = output.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] ?? [:]
    }

    func testToyEvaluationIsTheSameOnOneAndTwoRanksAndIsAppendedToTheMetrics() throws {
        let runs = try TrainingRuns("eval-toy")
        defer { runs.remove() }
        let run = try runs.train(
            "run", ranks: 2, ["--steps", "10", "--batch-size", "64", "--width", "32", "--eval-every", "5", "--eval-samples", "301"])
        let metrics = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        XCTAssertEqual(metrics.split(separator: "\n").filter { $0.contains("eval_modes_covered") }.count, 2)

        let one = try evalLine(try runs.tandem(ranks: 1, ["eval", "--run-dir", run.path, "--samples", "301"]))
        let two = try evalLine(try runs.tandem(ranks: 2, ["eval", "--run-dir", run.path, "--samples", "301"]))
        for key in ["eval_modes_covered", "eval_mode_count", "eval_high_quality_share", "eval_mode_kl", "eval_energy_distance"] {
            // Unwrapped: two missing (or non-numeric) values must not pass as equal.
            let a = try XCTUnwrap(one[key] as? Double, "\(key) in \(one)")
            let b = try XCTUnwrap(two[key] as? Double, "\(key) in \(two)")
            XCTAssertEqual(a, b, key)
        }
        XCTAssertEqual(one["eval_mode_count"] as? Int, 8)
    }

    /// A tiny DCGAN run on 120 written digits, with a feature classifier trained on them (`--classifier`).
    private func digitRun(_ runs: TrainingRuns, ranks: Int, _ arguments: [String]) throws -> URL {
        let data = runs.directory("digits")
        try writeLabeledDigits(count: 120, to: data)
        let classifier = runs.directory("classifier.safetensors")
        let trained = try runs.tandem(
            ranks: 1, ["classifier", "train", "--data", data.path, "--out", classifier.path, "--epochs", "1", "--test-fraction", "0.25"])
        XCTAssertEqual(trained.status, 0, trained.stderr)
        return try runs.train(
            "run", ranks: ranks,
            [
                "--dataset", "mnist", "--data", data.path, "--model", "dcgan", "--width", "4", "--z-dim", "8", "--n-critic", "1",
                "--batch-size", "8", "--classifier", classifier.path,
            ] + arguments)
    }

    func testImageEvaluationWithTheFeatureClassifierAgreesOnOneAndTwoRanks() throws {
        let runs = try TrainingRuns("eval-images")
        defer { runs.remove() }
        let run = try digitRun(runs, ranks: 2, ["--steps", "2", "--penalty-weight", "10", "--eval-every", "2", "--eval-samples", "40"])
        XCTAssertTrue(try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).contains("eval_fd"))
        let one = try evalLine(try runs.tandem(ranks: 1, ["eval", "--run-dir", run.path, "--samples", "41"]))
        let two = try evalLine(try runs.tandem(ranks: 2, ["eval", "--run-dir", run.path, "--samples", "41"]))
        for key in ["eval_fd", "eval_kid", "eval_kid_std", "eval_class_kl"] {
            let a = try XCTUnwrap(one[key] as? Double, key)
            let b = try XCTUnwrap(two[key] as? Double, key)
            XCTAssertEqual(a, b, accuracy: 1e-4 * max(1, abs(a)), key)
        }
    }

    func testHeldOutRealDataMeetsPacGANsProtocolAsTheoryPredicts() throws {
        let runs = try TrainingRuns("eval-baseline-toy")
        defer { runs.remove() }
        let run = try runs.train("run", ranks: 1, ["--steps", "2", "--batch-size", "16", "--width", "8", "--dataset", "grid"])
        let metricsBefore = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        let one = try evalLine(try runs.tandem(ranks: 1, ["eval", "--run-dir", run.path, "--samples", "2500", "--real-baseline"]))
        let two = try evalLine(try runs.tandem(ranks: 2, ["eval", "--run-dir", run.path, "--samples", "2500", "--real-baseline"]))
        XCTAssertEqual(one["eval_real_baseline"] as? Bool, true)
        XCTAssertEqual(one["eval_modes_covered"] as? Int, 25)
        // A 2-D normal sample lies within 3σ of its centre with probability 1 − e^(−9/2) = 0.98889;
        // the binomial standard error at 2,500 samples is 0.0021.
        let share = try XCTUnwrap(one["eval_high_quality_share"] as? Double)
        XCTAssertEqual(share, 0.98889, accuracy: 0.0065)
        XCTAssertEqual(try XCTUnwrap(two["eval_high_quality_share"] as? Double), share)
        XCTAssertEqual(try XCTUnwrap(two["eval_energy_distance"] as? Double), try XCTUnwrap(one["eval_energy_distance"] as? Double), accuracy: 1e-9)
        // Printed only: the run's metrics are left alone.
        XCTAssertEqual(try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8), metricsBefore)
    }

    func testHeldOutDigitsAreCloserToTheDataThanAnUntrainedGeneratorAndNeedEnoughImages() throws {
        let runs = try TrainingRuns("eval-baseline-images")
        defer { runs.remove() }
        let run = try digitRun(runs, ranks: 1, ["--steps", "1"])
        let generator = try evalLine(try runs.tandem(ranks: 1, ["eval", "--run-dir", run.path, "--samples", "60"]))
        let one = try evalLine(try runs.tandem(ranks: 1, ["eval", "--run-dir", run.path, "--samples", "60", "--real-baseline"]))
        let two = try evalLine(try runs.tandem(ranks: 2, ["eval", "--run-dir", run.path, "--samples", "60", "--real-baseline"]))
        let fd = try XCTUnwrap(one["eval_fd"] as? Double)
        XCTAssertEqual(try XCTUnwrap(two["eval_fd"] as? Double), fd, accuracy: 1e-4 * max(1, fd))
        XCTAssertLessThan(fd, 0.5 * (try XCTUnwrap(generator["eval_fd"] as? Double)), "held-out digits \(one), generator \(generator)")
        XCTAssertLessThan(try XCTUnwrap(one["eval_class_kl"] as? Double), try XCTUnwrap(generator["eval_class_kl"] as? Double))

        let tooMany = try runs.tandem(ranks: 2, ["eval", "--run-dir", run.path, "--samples", "61", "--real-baseline"], timeout: 60)
        XCTAssertEqual(tooMany.status, 2)
        XCTAssertEqual(tooMany.errorLines.count, 1, tooMany.stderr)
        XCTAssertTrue(tooMany.stderr.contains("needs 122 (pass --samples 60 or fewer)"), tooMany.stderr)
    }

    func testEvaluatingImagesWithoutAClassifierIsOneClearLine() throws {
        let runs = try TrainingRuns("eval-no-classifier")
        defer { runs.remove() }
        let data = runs.directory("digits")
        try writeLabeledDigits(count: 16, to: data)
        let run = try runs.train(
            "run", ranks: 1,
            ["--dataset", "mnist", "--data", data.path, "--model", "dcgan", "--width", "4", "--z-dim", "8", "--steps", "1", "--n-critic", "1", "--batch-size", "4"])
        let output = try runs.tandem(ranks: 2, ["eval", "--run-dir", run.path], timeout: 60)
        XCTAssertEqual(output.status, 2)
        XCTAssertEqual(output.errorLines.count, 1, output.stderr)
        XCTAssertTrue(output.stderr.contains("needs a feature classifier"), output.stderr)
    }

    /// IDX files of `count` 28x28 digits: class k is a bright bar at a class-specific place.
    private func writeLabeledDigits(count: Int, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var images = Data([0, 0, 8, 3])
        var labels = Data([0, 0, 8, 1])
        for value in [UInt32(count), 28, 28] { images.append(contentsOf: withUnsafeBytes(of: value.bigEndian, Array.init)) }
        labels.append(contentsOf: withUnsafeBytes(of: UInt32(count).bigEndian, Array.init))
        for i in 0..<count {
            let label = i % 10
            labels.append(UInt8(label))
            for y in 0..<28 {
                for x in 0..<28 {
                    let onBar = (y / 3 == label % 9) || (x / 3 == (label + i % 3) % 9)
                    images.append(onBar ? 220 : UInt8((x * 7 + y * 13 + i) % 30))
                }
            }
        }
        try images.write(to: directory.appendingPathComponent("train-images-idx3-ubyte"))
        try labels.write(to: directory.appendingPathComponent("train-labels-idx1-ubyte"))
    }
}
