import Foundation
import XCTest

/// `tandem train` and `tandem sample` as users run them: the run directory, the
/// checkpoint format, sampling, and one clear line for every bad input.
final class TrainCommandTests: XCTestCase {
    func testARunLeavesTheDocumentedRunDirectoryAndPyTorchNamedCheckpoints() throws {
        let runs = try TrainingRuns("layout")
        defer { runs.remove() }
        let run = try runs.train("run", ranks: 2, ["--steps", "4", "--batch-size", "32", "--width", "16", "--log-every", "2", "--ema-decay", "0.9"])
        let fm = FileManager.default
        for path in ["config.yaml", "metrics.jsonl", "samples/step-0000004.png", "checkpoints/latest", "checkpoints/step-0000004/state.json"] {
            XCTAssertTrue(fm.fileExists(atPath: run.appendingPathComponent(path).path), path)
        }
        XCTAssertEqual(try String(contentsOf: run.appendingPathComponent("checkpoints/latest"), encoding: .utf8), "step-0000004\n")

        // nn.Sequential(Linear(2,W), ReLU(), Linear(W,W), ReLU(), Linear(W,W), ReLU(), Linear(W,2)).
        let generator = try runs.checkpointFile(run, step: 4, "generator")
        XCTAssertEqual(generator.orderedNames, ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias", "6.weight", "6.bias"])
        XCTAssertEqual(generator.entries["0.weight"]?.shape, [16, 2])
        XCTAssertEqual(generator.entries["6.weight"]?.shape, [2, 16])
        XCTAssertEqual(generator.entries["6.bias"]?.shape, [2])
        let critic = try runs.checkpointFile(run, step: 4, "critic")
        XCTAssertEqual(critic.entries["6.weight"]?.shape, [1, 16])
        let ema = try runs.checkpointFile(run, step: 4, "generator_ema")
        XCTAssertEqual(Set(ema.entries.keys), Set(generator.entries.keys))
        let optimizers = try runs.checkpointFile(run, step: 4, "optimizers")
        XCTAssertNotNil(optimizers.entries["generator.0.weight.exp_avg"])
        XCTAssertNotNil(optimizers.entries["critic.6.bias.exp_avg_sq"])

        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("checkpoints/step-0000004/state.json"))) as! [String: Any]
        XCTAssertEqual(state["step"] as? Int, 4)
        XCTAssertEqual(state["critic_step"] as? Int, 20)
        XCTAssertEqual(state["world_size"] as? Int, 2)
        XCTAssertEqual((state["files"] as? [String: String])?.count, 4)

        let metrics = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(metrics.count, 2)
        let last = try JSONSerialization.jsonObject(with: Data(metrics[1].utf8)) as! [String: Any]
        for key in ["step", "time", "critic_loss", "penalty", "generator_loss", "critic_distance", "lr_g", "lr_d", "gen_iters_per_s"] {
            XCTAssertNotNil(last[key], key)
        }
    }

    func testSampleWritesNpyPicturesAndLatents() throws {
        let runs = try TrainingRuns("sample")
        defer { runs.remove() }
        let run = try runs.train("run", ranks: 1, ["--steps", "2", "--batch-size", "16", "--width", "8", "--ema-kimg", "1"])
        let npy = runs.directory("points.npy")
        let latents = runs.directory("z.npy")
        let output = try runs.tandem(ranks: 1, ["sample", "--run-dir", run.path, "--ema", "-n", "10", "--out", npy.path, "--z-out", latents.path])
        XCTAssertEqual(output.status, 0, output.stderr)
        let header = String(decoding: try Data(contentsOf: npy).prefix(128), as: UTF8.self)
        XCTAssertTrue(header.contains("'shape': (10, 2)"), header)
        XCTAssertTrue(String(decoding: try Data(contentsOf: latents).prefix(128), as: UTF8.self).contains("'shape': (10, 2)"))
        let png = runs.directory("points.png")
        XCTAssertEqual(try runs.tandem(ranks: 1, ["sample", "--run-dir", run.path, "-n", "100", "--out", png.path]).status, 0)
        XCTAssertEqual(Array(try Data(contentsOf: png).prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    func testSamplingAPictureOfSamplesNoPictureShowsIsOneLineAndExitTwoNotATrap() throws {
        // 3-D points train (the mlp takes any flat sample) but cannot be drawn.
        let runs = try TrainingRuns("sample-undrawable")
        defer { runs.remove() }
        let points = runs.directory("points3d.npy")
        try writeFloatNpy((0..<96).map { Float($0 % 7) * 0.3 - 1 }, shape: [32, 3], to: points)
        let run = runs.directory("run")
        // Whatever the end of this run does with its own picture, step 1's checkpoint is written first.
        _ = try runs.tandem(ranks: 1, ["train", "--run-dir", run.path, "--dataset", "npy", "--data", points.path, "--steps", "2",
                                       "--batch-size", "8", "--width", "8", "--checkpoint-every", "1", "--sample-every", "0"])
        let png = runs.directory("points3d.png")
        let output = try runs.tandem(ranks: 1, ["sample", "--run-dir", run.path, "--step", "1", "--out", png.path])
        XCTAssertEqual(output.status, 2, output.stderr)
        XCTAssertEqual(output.errorLines.count, 1, output.stderr)
        XCTAssertTrue(output.stderr.contains("\(png.path)") && output.stderr.contains("cannot draw samples of shape [3]"), output.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: png.path))
        let npy = runs.directory("points3d-samples.npy")
        XCTAssertEqual(try runs.tandem(ranks: 1, ["sample", "--run-dir", run.path, "--step", "1", "-n", "5", "--out", npy.path]).status, 0)
        XCTAssertTrue(String(decoding: try Data(contentsOf: npy).prefix(128), as: UTF8.self).contains("'shape': (5, 3)"))
    }

    func testBadInputEndsWithOneLineAndExitCodeTwoOnEveryRankWithoutHanging() throws {
        let runs = try TrainingRuns("bad-input")
        defer { runs.remove() }
        let unknownKey = runs.directory("unknown.yaml")
        try "optimizer:\n  critic:\n    lrr: 0.1\n".write(to: unknownKey, atomically: true, encoding: .utf8)
        let wrongType = runs.directory("type.yaml")
        try "train:\n  steps: many\n".write(to: wrongType, atomically: true, encoding: .utf8)
        let blocker = runs.directory("a-file")
        try "x".write(to: blocker, atomically: true, encoding: .utf8)

        let cases: [([String], String)] = [
            (["--config", unknownKey.path], "unknown key 'optimizer.critic.lrr' (did you mean 'optimizer.critic.lr'?)"),
            (["--config", wrongType.path], "train.steps: expected a whole number, got 'many'"),
            (["--steps", "abc"], "--steps: train.steps: expected a whole number, got 'abc'"),
            (["--lr-d", "-0.1"], "--lr-d: optimizer.critic.lr: must be positive, got -0.1"),
            (["--batch-size", "1"], "train.batch_size: 1 is smaller than the 2 ranks"),
            (["--dataset", "mnist", "--data", "/nonexistent/mnist"], "/nonexistent/mnist"),
            (["--dataset", "mnist"], "data.path: dataset mnist needs its data"),
            (["--run-dir", blocker.appendingPathComponent("run").path], "cannot write"),
            (["--config", "/nonexistent.yaml"], "/nonexistent.yaml: cannot read the config file: no such file"),
            (["--lr-dd", "1"], "unknown option '--lr-dd' (did you mean '--lr-d'?)"),
        ]
        for (arguments, message) in cases {
            let output = try runs.tandem(ranks: 2, ["train", "--steps", "2"] + arguments, timeout: 60)
            XCTAssertEqual(output.status, 2, "\(arguments): \(output.stderr)")
            XCTAssertEqual(output.errorLines.count, 1, "\(arguments): \(output.stderr)")
            XCTAssertTrue(output.stderr.hasPrefix("error: "), "\(arguments): \(output.stderr)")
            XCTAssertTrue(output.stderr.contains(message), "\(arguments): expected '\(message)' in \(output.stderr)")
        }
    }
}

/// A float32 .npy file of `values` with `shape` (C order).
func writeFloatNpy(_ values: [Float], shape: [Int], to url: URL) throws {
    let dimensions = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dimensions)), }"
    while (10 + header.count + 1) % 64 != 0 { header += " " }
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
    data.append(contentsOf: withUnsafeBytes(of: UInt16(header.count + 1).littleEndian, Array.init))
    data.append(contentsOf: Array((header + "\n").utf8))
    values.withUnsafeBytes { data.append(contentsOf: $0) }
    try data.write(to: url)
}
