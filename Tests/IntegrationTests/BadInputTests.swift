import Plot
import Data
import Foundation
import XCTest

/// Every kind of bad input a user can give ends with one line on stderr naming the
/// file, key or flag and what was expected, exit code 2, on every rank: no trace, no
/// hang, nothing half-written.
final class BadInputTests: XCTestCase {
    private struct Case {
        let name: String
        let arguments: [String]
        let message: String
        var launcher = false
    }

    func testEveryBadInputEndsWithOneLineAndExitCodeTwo() throws {
        let runs = try TrainingRuns("bad-inputs")
        defer { runs.remove() }
        let fm = FileManager.default
        func file(_ name: String, _ contents: String) throws -> String {
            let url = runs.directory(name)
            try contents.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        func bytes(_ name: String, _ data: [UInt8]) throws -> String {
            let url = runs.directory(name)
            try Data(data).write(to: url)
            return url.path
        }
        func npy(_ name: String, header: String, payload: Int) throws -> String {
            var h = header
            while (10 + h.count + 1) % 64 != 0 { h += " " }
            var data = [UInt8]([0x93]) + Array("NUMPY".utf8) + [1, 0]
            data += withUnsafeBytes(of: UInt16(h.count + 1).littleEndian, Array.init) + Array((h + "\n").utf8)
            return try bytes(name, data + [UInt8](repeating: 0, count: payload))
        }
        func mnist(_ name: String, images: [UInt8]) throws -> String {
            let directory = runs.directory(name)
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(images).write(to: directory.appendingPathComponent("train-images-idx3-ubyte"))
            return directory.path
        }
        let header: (UInt32, [UInt32]) -> [UInt8] = { magic, dims in
            withUnsafeBytes(of: magic.bigEndian, Array.init) + dims.flatMap { withUnsafeBytes(of: $0.bigEndian, Array.init) }
        }
        // A finished run, then copies of it with damaged checkpoints.
        let run = try runs.train("good", ranks: 1, ["--steps", "2", "--width", "8", "--batch-size", "8"])
        let allCorrupt = runs.directory("all-corrupt")
        try fm.copyItem(at: run, to: allCorrupt)
        try Data("{".utf8).write(to: allCorrupt.appendingPathComponent("checkpoints/step-0000002/state.json"))
        let noCheckpoints = runs.directory("fresh")
        try fm.createDirectory(at: noCheckpoints, withIntermediateDirectories: true)
        try fm.copyItem(at: run.appendingPathComponent("config.yaml"), to: noCheckpoints.appendingPathComponent("config.yaml"))
        let blocker = try file("plain-file", "x")
        // Image folders: one with no image file, one where most files are not images.
        let emptyFolder = runs.directory("no-images")
        try fm.createDirectory(at: emptyFolder, withIntermediateDirectories: true)
        _ = try file("no-images/notes.txt", "text")
        let badFolder = runs.directory("mostly-bad")
        try fm.createDirectory(at: badFolder, withIntermediateDirectories: true)
        _ = try bytes("mostly-bad/good.png", PNGEncoder(width: 4, height: 4, colorType: .gray, pixels: [UInt8](repeating: 9, count: 16)).encoded())
        for k in 0..<3 { _ = try file("mostly-bad/bad\(k).jpg", "not a jpeg") }
        let pictures = runs.directory("pictures")
        try FolderDatasetRunTests.writePictures(to: pictures, count: 4)
        let folder = ["train", "--dataset", "folder", "--cache-dir", runs.directory("cache").path, "--data"]
        // A checkpoint whose state.json holds a sample shape no run writes (it is not checksummed).
        let implausible = runs.directory("implausible")
        try fm.copyItem(at: run, to: implausible)
        let statePath = implausible.appendingPathComponent("checkpoints/step-0000002/state.json")
        var state = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: statePath)) as? [String: Any])
        state["sample_shape"] = [-1]
        try JSONSerialization.data(withJSONObject: state).write(to: statePath)
        // [N, H, W, C] pixels read with the default layout nchw: 28 "channels".
        let swapped = runs.directory("nhwc.npy")
        try writeFloatNpy([Float](repeating: 0.5, count: 2 * 28 * 28 * 3), shape: [2, 28, 28, 3], to: swapped)
        // A finished two-critic TTC run, and two MNIST-shaped images as a source of the wrong shape.
        let ttc = ["--method", "ttc", "--ttc-critics", "2", "--ttc-critic-steps", "2", "--width", "8", "--batch-size", "8"]
        let chain = try runs.train("ttc", ranks: 1, ttc + ["--steps", "4"])
        let digits = try mnist("digits", images: header(0x0000_0803, [2, 28, 28]) + [UInt8](repeating: 7, count: 2 * 784))

        let cases: [Case] = [
            // Configuration files and keys.
            Case(name: "unknown key", arguments: ["train", "--config", try file("a.yaml", "loss:\n  penalty_wieght: 1\n")], message: "unknown key 'loss.penalty_wieght' (did you mean 'loss.penalty_weight'?)"),
            Case(name: "unknown section", arguments: ["train", "--config", try file("b.yaml", "optimiser:\n  critic: {lr: 1}\n")], message: "unknown key 'optimiser'"),
            Case(name: "wrong type", arguments: ["train", "--config", try file("c.yaml", "train:\n  batch_size: big\n")], message: "train.batch_size: expected a whole number, got 'big'"),
            Case(name: "not a mapping", arguments: ["train", "--config", try file("d.yaml", "- 1\n- 2\n")], message: "the top level must be a mapping"),
            Case(name: "invalid YAML", arguments: ["train", "--config", try file("e.yaml", "train: {steps: [1,\n")], message: "not valid YAML"),
            Case(name: "missing config", arguments: ["train", "--config", "/nonexistent/x.yaml"], message: "/nonexistent/x.yaml: cannot read the config file: no such file"),
            Case(name: "bad choice", arguments: ["train", "--objective", "wgan"], message: "--objective: loss.objective: expected one of wasserstein, hinge"),
            Case(name: "negative learning rate", arguments: ["train", "--lr-g", "-1e-4"], message: "optimizer.generator.lr: must be positive"),
            Case(name: "beta out of range", arguments: ["train", "--betas-d", "0.5,1.5"], message: "optimizer.critic.betas: each beta must be in [0, 1)"),
            Case(name: "zero critic steps", arguments: ["train", "--n-critic", "0"], message: "train.n_critic: must be at least 1, got 0"),
            Case(name: "EMA decay of one", arguments: ["train", "--ema-decay", "1"], message: "train.ema_decay: must be in [0, 1)"),
            Case(name: "batch smaller than ranks", arguments: ["train", "--batch-size", "1"], message: "train.batch_size: 1 is smaller than the 2 ranks"),
            Case(name: "images without classifier", arguments: ["train", "--dataset", "mnist", "--data", "/tmp", "--eval-every", "5"], message: "needs eval.classifier"),
            // Flags.
            Case(name: "unknown flag", arguments: ["train", "--stpes", "3"], message: "unknown option '--stpes' (did you mean '--steps'?)"),
            Case(name: "flag without value", arguments: ["train", "--lr-d"], message: "option '--lr-d' needs a value"),
            Case(name: "bad --set", arguments: ["train", "--set", "train.steps"], message: "expected key.path=value"),
            Case(name: "unknown --set key", arguments: ["train", "--set", "train.stepz=3"], message: "unknown key 'train.stepz'"),
            Case(name: "emulate without debug", arguments: ["train", "--emulate-ranks", "2"], message: "--emulate-ranks needs --debug"),
            Case(name: "sample bad extension", arguments: ["sample", "--run-dir", run.path, "--out", "x.txt"], message: "--out must end in .npy or .png"),
            // Data files.
            Case(name: "missing data directory", arguments: ["train", "--dataset", "mnist", "--data", "/nonexistent/mnist"], message: "/nonexistent/mnist"),
            Case(name: "wrong IDX magic", arguments: ["train", "--dataset", "mnist", "--data", try mnist("magic", images: header(0x0000_0802, [1, 28, 28]) + [UInt8](repeating: 0, count: 784))], message: "magic"),
            Case(name: "truncated IDX", arguments: ["train", "--dataset", "mnist", "--data", try mnist("short", images: header(0x0000_0803, [10, 28, 28]) + [UInt8](repeating: 0, count: 100))], message: "truncated"),
            Case(name: "wrong image size", arguments: ["train", "--dataset", "mnist", "--model", "mlp", "--data", try mnist("size", images: header(0x0000_0803, [2, 27, 28]) + [UInt8](repeating: 0, count: 2 * 27 * 28))], message: "27"),
            Case(name: "npy bad dtype", arguments: ["train", "--dataset", "npy", "--data", try npy("f.npy", header: "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2), }", payload: 64)], message: "<f8"),
            Case(name: "npy Fortran order", arguments: ["train", "--dataset", "npy", "--data", try npy("g.npy", header: "{'descr': '<f4', 'fortran_order': True, 'shape': (4, 2), }", payload: 32)], message: "fortran"),
            Case(name: "npy garbage", arguments: ["train", "--dataset", "npy", "--data", try bytes("h.npy", Array("not numpy at all".utf8))], message: "h.npy"),
            Case(name: "dcgan on points", arguments: ["train", "--model", "dcgan"], message: "model.kind: dcgan needs 28x28 or 32x32 images"),
            Case(name: "folder without images", arguments: folder + [emptyFolder.path], message: "no-images: holds no PNG or JPEG files (searched recursively)"),
            Case(name: "folder mostly not images", arguments: folder + [badFolder.path], message: "mostly-bad: 3 of its 4 image files could not be decoded"),
            Case(name: "missing folder", arguments: folder + ["/nonexistent/pictures"], message: "/nonexistent/pictures: no such directory"),
            Case(name: "folder channels", arguments: folder + [pictures.path, "--channels", "4"], message: "data.channels: must be 1 (grayscale) or 3 (RGB), got 4"),
            Case(name: "folder resolution", arguments: folder + [pictures.path, "--resolution", "100"], message: "data.resolution: must be 32 or 64, got 100"),
            Case(name: "resolution without folder", arguments: ["train", "--resolution", "64"], message: "data.resolution: applies only to data.dataset folder"),
            Case(name: "dcgan64 on 32 px", arguments: folder + [pictures.path, "--model", "dcgan64", "--resolution", "32", "--batch-size", "2"], message: "dcgan64 needs 64x64 images, the samples of \(pictures.path) have shape [3, 32, 32] (set data.resolution to 64)"),
            Case(name: "flip on points", arguments: ["train", "--flip"], message: "data.flip: flips images, the data (8gaussians) holds samples of shape [2]"),
            Case(name: "unknown init", arguments: ["train", "--init", "orthogonal"], message: "model.init: expected one of he, pytorch"),
            Case(name: "npy layout mix-up", arguments: ["train", "--dataset", "npy", "--data", swapped.path], message: "set data.layout: nhwc"),
            // Sliced Wasserstein and Sinkhorn generators.
            Case(name: "sw too few projections", arguments: ["train", "--method", "sw", "--sw-projections", "5"], message: "sw.projections: must be at least 10"),
            Case(name: "sw unknown estimator", arguments: ["train", "--method", "sw", "--sw-estimator", "exact"], message: "sw.estimator: expected one of mc, clt"),
            Case(name: "sw projections with clt", arguments: ["train", "--method", "sw", "--sw-estimator", "clt", "--sw-projections", "100"], message: "sw.projections: applies only to sw.estimator mc"),
            Case(name: "sw with a penalty", arguments: ["train", "--method", "sw", "--penalty", "r1"], message: "loss.penalty: method sw does not train an adversarial critic"),
            Case(name: "sw raw with a critic rate", arguments: ["train", "--method", "sw", "--lr-d", "3e-4"], message: "optimizer.critic.lr: method sw with sw.features raw has no critic"),
            Case(name: "sinkhorn negative epsilon", arguments: ["train", "--method", "sinkhorn", "--sinkhorn-epsilon", "-0.1"], message: "sinkhorn.epsilon: must be positive"),
            Case(name: "sinkhorn p 3", arguments: ["train", "--method", "sinkhorn", "--sinkhorn-p", "3"], message: "sinkhorn.p: must be 1 (distance) or 2"),
            Case(name: "sinkhorn zero iterations", arguments: ["train", "--method", "sinkhorn", "--sinkhorn-iterations", "0"], message: "sinkhorn.iterations: must be at least 1"),
            Case(name: "sinkhorn scaling of one", arguments: ["train", "--method", "sinkhorn", "--sinkhorn-scaling", "1"], message: "sinkhorn.scaling: must be in (0, 1)"),
            Case(name: "sinkhorn debias ratio", arguments: ["train", "--method", "sinkhorn", "--sinkhorn-debias-ratio", "1.5"], message: "sinkhorn.debias_ratio: must be in [0, 1]"),
            Case(name: "sinkhorn with critic steps", arguments: ["train", "--method", "sinkhorn", "--n-critic", "3"], message: "train.n_critic: method sinkhorn has no critic"),
            Case(name: "bench step setup and config", arguments: ["bench", "step", "--setup", "toy", "--config", "x.yaml"], message: "--setup times a built-in setup"),
            Case(name: "bench step bad key", arguments: ["bench", "step", "--method", "sw", "--sw-projections", "3"], message: "sw.projections: must be at least 10"),
            // Checkpoints and run directories.
            Case(name: "all checkpoints corrupt", arguments: ["train", "--run-dir", allCorrupt.path, "--resume"], message: "no valid checkpoint to resume from"),
            Case(name: "resume with a changed key that defines the run", arguments: ["train", "--run-dir", run.path, "--resume", "--width", "16"], message: "model.width: the run in"),
            Case(
                name: "resume into another shape", arguments: ["train", "--run-dir", run.path, "--resume", "--width", "16", "--allow-changed-keys"],
                message: "does not fit this run"),
            Case(name: "a new run in a directory holding one", arguments: ["train", "--run-dir", run.path, "--steps", "2"], message: "already holds a run"),
            Case(name: "a batch too large for memory", arguments: ["train", "--run-dir", run.path + "-huge", "--batch-size", "100000000"], message: "needs about"),
            Case(name: "start over and resume together", arguments: ["train", "--run-dir", run.path, "--resume", "--start-over"], message: "exclude each other"),
            // Methods and their keys.
            Case(name: "unknown MonoFlow h", arguments: ["train", "--method", "monoflow", "--monoflow-h", "exp"], message: "monoflow.h: expected one of ns, vanilla, logit, arcsinh, got 'exp'"),
            Case(name: "negative GraN epsilon", arguments: ["train", "--method", "gran", "--penalty", "none", "--gran-epsilon", "-1"], message: "gran.epsilon: must be at least 0, got -1"),
            Case(name: "GraN K of zero", arguments: ["train", "--method", "gran", "--penalty", "none", "--gran-k", "0"], message: "gran.k: must be positive, got 0"),
            Case(name: "GraN with a penalty", arguments: ["train", "--method", "gran", "--penalty", "r1"], message: "loss.penalty: method gran takes no critic penalty"),
            Case(name: "MMD without features", arguments: ["train", "--method", "mmd", "--penalty", "none", "--mmd-dof-dim", "0"], message: "mmd.dof_dim: must be at least 1, got 0"),
            Case(name: "MMD KID on images without classifier", arguments: ["train", "--method", "mmd", "--penalty", "none", "--dataset", "mnist", "--data", "/tmp", "--model", "dcgan", "--mmd-kid-schedule"], message: "mmd.kid_schedule: the KID test on images needs eval.classifier"),
            Case(name: "MMD KID beyond the data", arguments: ["train", "--method", "mmd", "--penalty", "none", "--dataset", "npy", "--data", try npy("eight-points.npy", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (8, 2), }", payload: 64), "--batch-size", "4", "--mmd-kid-schedule"], message: "mmd.kid_samples: 2048 samples per evaluation, but the data holds 8"),
            // Methods: Trust the Critics, conditional transport, Choquet-Toland.
            Case(name: "no critics", arguments: ["train", "--method", "ttc", "--ttc-critics", "0"], message: "ttc.critics: must be at least 1, got 0"),
            Case(name: "zero theta", arguments: ["train", "--method", "ttc", "--steps", "5", "--ttc-theta", "0"], message: "ttc.theta: must be positive, got 0"),
            Case(name: "steps beyond the chain", arguments: ["train", "--method", "ttc"], message: "train.steps: method ttc trains ttc.critics × ttc.critic_steps = 5 × 5 = 25 iterations, got 2000"),
            Case(name: "source of another shape", arguments: ["train", "--method", "ttc", "--steps", "5", "--ttc-source", "mnist", "--ttc-source-path", digits], message: "ttc.source: the source (mnist) has samples of shape [1, 28, 28], the data (8gaussians) [2]"),
            Case(name: "noise on noise", arguments: ["train", "--method", "ttc", "--steps", "5", "--ttc-noise-std", "0.1"], message: "ttc.noise_std: adds noise to a source dataset, ttc.source is noise"),
            Case(name: "resume without the chain", arguments: ["train", "--run-dir", chain.path, "--resume", "--ttc-critics", "3", "--steps", "6"], message: "critic_2.safetensors: no such file"),
            Case(name: "resume with a shorter chain", arguments: ["train", "--run-dir", chain.path, "--resume", "--ttc-critics", "1", "--steps", "2"], message: "it holds a chain of 2 critics, the run has ttc.critics 1"),
            Case(name: "ct rho", arguments: ["train", "--method", "ct", "--ct-rho", "1.5"], message: "ct.rho: must be in [0, 1], got 1.5"),
            Case(name: "ct features from resnet", arguments: ["train", "--method", "ct", "--ct-form", "feature", "--model", "resnet"], message: "model.kind: ct.form feature needs a critic that outputs features"),
            Case(name: "choquet width", arguments: ["train", "--method", "choquet", "--choquet-critic-width", "5"], message: "choquet.critic_width: must be a multiple of choquet.maxout (2), got 5"),
            // Augmentation and data.limit.
            Case(name: "ADA target of one", arguments: ["train", "--augment", "ada", "--ada-target", "1"], message: "--ada-target: augment.target: must be in (0, 1), got 1"),
            Case(name: "ADA target of zero", arguments: ["train", "--set", "augment.target=0"], message: "augment.target: must be in (0, 1), got 0"),
            Case(name: "augmenting points", arguments: ["train", "--augment", "diffaugment"], message: "augment.kind: diffaugment augments images, the data (8gaussians) holds 2-D points"),
            Case(name: "augmenting npy points", arguments: ["train", "--augment", "ada", "--batch-size", "4", "--dataset", "npy", "--data", try npy("points.npy", header: "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 2), }", payload: 32)], message: "augment.kind: ada augments images, the data's samples have shape [2]"),
            Case(name: "unknown policy", arguments: ["train", "--augment-policy", "color,flip"], message: "augment.policy: unknown transform 'flip'"),
            Case(name: "ADA kimg of zero", arguments: ["train", "--ada-kimg", "0"], message: "augment.ada_kimg: must be positive, got 0"),
            Case(name: "limit on toy data", arguments: ["train", "--data-limit", "10"], message: "data.limit: needs a dataset read from files, 8gaussians draws its samples"),
            Case(name: "limit above the data", arguments: ["train", "--dataset", "npy", "--model", "dcgan", "--data-limit", "10", "--data", try npy("four.npy", header: "{'descr': '|u1', 'fortran_order': False, 'shape': (4, 28, 28), }", payload: 4 * 784)], message: "data.limit: 10 is more than the 4 images of four"),
            Case(name: "sample without checkpoints", arguments: ["sample", "--run-dir", noCheckpoints.path, "--out", "x.npy"], message: "no valid checkpoint"),
            Case(name: "sample missing step", arguments: ["sample", "--run-dir", run.path, "--step", "7", "--out", "x.npy"], message: "step-0000007"),
            Case(name: "eval without run", arguments: ["eval", "--run-dir", "/nonexistent/run"], message: "/nonexistent/run/config.yaml"),
            Case(name: "impossible state.json", arguments: ["sample", "--run-dir", implausible.path, "--out", "x.npy"], message: "sample_shape [-1]"),
            // Other commands' flags.
            Case(name: "plot size beyond memory", arguments: ["plot", "--run-dir", run.path, "--width", "100000000", "--height", "100000000"], message: "--width must be 120 to 8192 pixels"),
            Case(name: "sgemm of an empty matrix", arguments: ["bench", "sgemm", "--m", "0"], message: "--m must be a matrix size in 1...16384"),
            Case(name: "unwritable run directory", arguments: ["train", "--run-dir", blocker + "/run"], message: "cannot write"),
            Case(name: "resume without run directory", arguments: ["train", "--resume"], message: "--resume needs the run directory"),
            // The launcher.
            Case(name: "launcher unknown option", arguments: ["--ranks-per-host", "2", "train"], message: "unknown option '--ranks-per-host'", launcher: true),
            Case(name: "launcher zero ranks", arguments: ["-n", "0", "train"], message: "-n must be at least 1", launcher: true),
            Case(name: "launcher missing hostfile", arguments: ["--hostfile", "/nonexistent/hosts", "train"], message: "does not exist", launcher: true),
            Case(name: "launcher restarts without run dir", arguments: ["--max-restarts", "2", "train"], message: "--max-restarts needs train --run-dir", launcher: true),
            Case(name: "launcher debug with ranks", arguments: ["--debug", "-n", "2", "train"], message: "--debug runs one process", launcher: true),
            Case(name: "launcher restarts of eval", arguments: ["--max-restarts", "1", "eval", "--run-dir", run.path], message: "--max-restarts restarts training runs only", launcher: true),
        ]
        // The README states the table's size; names tell the cases apart in failures.
        XCTAssertEqual(Set(cases.map(\.name)).count, cases.count, "every case has its own name")
        let readme = try String(contentsOf: Package.root.appendingPathComponent("README.md"), encoding: .utf8)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(readme.contains("a table of \(cases.count) bad inputs"), "README.md must say: a table of \(cases.count) bad inputs")
        for test in cases {
            let output: ProcessOutput
            if test.launcher {
                output = try runProcess([Package.launcher] + test.arguments, environment: ["TANDEM_BINARY": try Package.binary()], timeout: 60)
            } else {
                output = try runs.tandem(ranks: 2, test.arguments, timeout: 60)
            }
            XCTAssertEqual(output.status, 2, "\(test.name): \(output.stderr)")
            XCTAssertEqual(output.errorLines.count, 1, "\(test.name): expected one line, got: \(output.stderr)")
            XCTAssertTrue(output.stderr.contains(test.message), "\(test.name): expected '\(test.message)' in: \(output.stderr)")
            XCTAssertFalse(output.stderr.contains("Fatal error") || output.stderr.contains("Backtrace"), "\(test.name): \(output.stderr)")
        }
        // Nothing half-written anywhere in the scratch directory.
        let leftovers = fm.enumerator(atPath: runs.scratch.path)?.compactMap { $0 as? String }.filter { $0.contains(".tmp-") || $0.hasSuffix(".latest.tmp") } ?? []
        XCTAssertEqual(leftovers, [])
    }
}
