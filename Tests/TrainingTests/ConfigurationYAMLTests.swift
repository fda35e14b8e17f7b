import TestSupport
import XCTest

@testable import Training

final class ConfigurationYAMLTests: XCTestCase {
    func testNestedKeysMergeOverTheDefaultsAndKeepTheirOrigin() throws {
        let values = try resolvedValues(
            yaml: """
                name: cifar-run
                optimizer:
                  critic:
                    lr: 0.0003
                    betas: [0.0, 0.99]
                train:
                  steps: 10
                """)
        XCTAssertEqual(values["name"], .string("cifar-run"))
        XCTAssertEqual(values["optimizer.critic.lr"], .float(0.0003))
        XCTAssertEqual(values["optimizer.critic.betas"], .floats([0, 0.99]))
        XCTAssertEqual(values["train.steps"], .int(10))
        XCTAssertEqual(values["optimizer.generator.lr"], .float(1e-4), "a sibling section keeps its default")
        XCTAssertEqual(values["optimizer.critic.kind"], .string("adam"), "a sibling key keeps its default")
        XCTAssertEqual(values.origin(of: "optimizer.critic.lr"), "run.yaml")
        XCTAssertEqual(values.origin(of: "optimizer.generator.lr"), "default")
    }

    func testALaterFileOverridesOnlyTheKeysItNames() throws {
        var values = ConfigValues()
        try values.merge(yamlText: "train: {steps: 10, batch_size: 64}", origin: "base.yaml")
        try values.merge(yamlText: "train: {steps: 20}", origin: "override.yaml")
        XCTAssertEqual(values["train.steps"], .int(20))
        XCTAssertEqual(values.origin(of: "train.steps"), "override.yaml")
        XCTAssertEqual(values["train.batch_size"], .int(64))
        XCTAssertEqual(values.origin(of: "train.batch_size"), "base.yaml")
    }

    func testAnEmptyDocumentChangesNothing() throws {
        let values = try resolvedValues(yaml: "# only a comment\n")
        XCTAssertEqual(values["train.steps"], .int(2000))
    }

    func testAFileIsReadFromDiskAndNamedInErrors() throws {
        let directory = try TemporaryDirectory()
        let path = directory.url.appendingPathComponent("run.yaml").path
        try "train:\n  n_critic: 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        var values = ConfigValues()
        try values.merge(yamlFile: path)
        XCTAssertEqual(values["train.n_critic"], .int(1))
        XCTAssertEqual(values.origin(of: "train.n_critic"), path)

        let missing = directory.url.appendingPathComponent("absent.yaml").path
        XCTAssertThrowsError(try values.merge(yamlFile: missing)) {
            XCTAssertEqual($0 as? ConfigError, .unreadableFile(path: missing, reason: "no such file"))
            XCTAssertEqual("\($0)", "\(missing): cannot read the config file: no such file")
        }
    }

    func testInvalidYAMLAndANonMappingDocumentNameTheFile() {
        var values = ConfigValues()
        XCTAssertThrowsError(try values.merge(yamlText: "train: [1, 2", origin: "broken.yaml")) {
            guard case .invalidYAML(let path, _)? = $0 as? ConfigError else { return XCTFail("\($0)") }
            XCTAssertEqual(path, "broken.yaml")
            XCTAssertTrue("\($0)".hasPrefix("broken.yaml: not valid YAML: "), "\($0)")
            XCTAssertFalse("\($0)".contains("\n"))
        }
        XCTAssertThrowsError(try values.merge(yamlText: "- 1\n- 2\n", origin: "list.yaml")) {
            XCTAssertEqual(
                $0 as? ConfigError, .invalidYAML(path: "list.yaml", reason: "the top level must be a mapping of keys to values"))
        }
    }

    func testAnUnknownKeyIsRejectedWithItsFullPathAndTheClosestKey() {
        let cases: [(yaml: String, key: String, suggestion: String?)] = [
            ("optimizer:\n  critic:\n    lrr: 0.1\n", "optimizer.critic.lrr", "optimizer.critic.lr"),
            ("train:\n  batchsize: 64\n", "train.batchsize", "train.batch_size"),
            ("model:\n  z_dimm: 3\n", "model.z_dimm", "model.z_dim"),
            ("train:\n  lr: 0.1\n", "train.lr", "optimizer.generator.lr"),
            ("optimiser:\n  critic:\n    lr: 0.1\n", "optimiser", "optimizer"),
            ("optimizer:\n  critc:\n    lr: 0.1\n", "optimizer.critc", "optimizer.critic"),
            ("critic:\n  lr: 0.1\n", "critic", "optimizer.critic"),
            ("completely_unrelated_setting: 1\n", "completely_unrelated_setting", nil),
        ]
        for (yaml, key, suggestion) in cases {
            var values = ConfigValues()
            XCTAssertThrowsError(try values.merge(yamlText: yaml, origin: "run.yaml"), yaml) {
                XCTAssertEqual($0 as? ConfigError, .unknownKey(origin: "run.yaml", key: key, suggestion: suggestion), yaml)
            }
        }
        XCTAssertEqual(
            ConfigError.unknownKey(origin: "run.yaml", key: "optimizer.critic.lrr", suggestion: "optimizer.critic.lr").description,
            "run.yaml: unknown key 'optimizer.critic.lrr' (did you mean 'optimizer.critic.lr'?)")
        XCTAssertEqual(
            ConfigError.unknownKey(origin: "run.yaml", key: "zzz", suggestion: nil).description, "run.yaml: unknown key 'zzz'")
    }

    func testAWrongTypeNamesTheKeyTheExpectedTypeAndTheValue() {
        let cases: [(yaml: String, error: ConfigError, message: String)] = [
            (
                "train:\n  steps: many\n", .wrongType(origin: "run.yaml", key: "train.steps", expected: "a whole number", got: "many"),
                "run.yaml: train.steps: expected a whole number, got 'many'"
            ),
            (
                "train:\n  steps: 2.5\n", .wrongType(origin: "run.yaml", key: "train.steps", expected: "a whole number", got: "2.5"),
                "run.yaml: train.steps: expected a whole number, got '2.5'"
            ),
            (
                "model:\n  spectral_norm: maybe\n",
                .wrongType(origin: "run.yaml", key: "model.spectral_norm", expected: "true or false", got: "maybe"),
                "run.yaml: model.spectral_norm: expected true or false, got 'maybe'"
            ),
            (
                "optimizer:\n  critic:\n    lr: fast\n",
                .wrongType(origin: "run.yaml", key: "optimizer.critic.lr", expected: "a number", got: "fast"),
                "run.yaml: optimizer.critic.lr: expected a number, got 'fast'"
            ),
            (
                "optimizer:\n  critic:\n    lr: .inf\n",
                .wrongType(origin: "run.yaml", key: "optimizer.critic.lr", expected: "a number", got: "inf"),
                "run.yaml: optimizer.critic.lr: expected a number, got 'inf'"
            ),
            (
                "data:\n  dataset: imagenet\n",
                .wrongType(
                    origin: "run.yaml", key: "data.dataset",
                    expected: "one of 8gaussians, 25gaussians, swissroll, ring, grid, gaussiancircle, mnist, cifar10, npy, folder", got: "imagenet"),
                "run.yaml: data.dataset: expected one of 8gaussians, 25gaussians, swissroll, ring, grid, gaussiancircle, mnist, cifar10, npy, folder, got 'imagenet'"
            ),
            (
                "model:\n  width: wide\n",
                .wrongType(origin: "run.yaml", key: "model.width", expected: "a whole number, or null", got: "wide"),
                "run.yaml: model.width: expected a whole number, or null, got 'wide'"
            ),
            (
                "train: 5\n", .wrongType(origin: "run.yaml", key: "train", expected: "a mapping of keys", got: "5"),
                "run.yaml: train: expected a mapping of keys, got '5'"
            ),
        ]
        for (yaml, error, message) in cases {
            var values = ConfigValues()
            XCTAssertThrowsError(try values.merge(yamlText: yaml, origin: "run.yaml"), yaml) {
                XCTAssertEqual($0 as? ConfigError, error, yaml)
                XCTAssertEqual("\($0)", message, yaml)
            }
        }
    }

    func testAListOfTheWrongLengthIsAWrongType() {
        var values = ConfigValues()
        XCTAssertThrowsError(try values.merge(yamlText: "optimizer: {critic: {betas: [0.5]}}", origin: "run.yaml")) {
            guard case .wrongType(let origin, let key, let expected, _)? = $0 as? ConfigError else { return XCTFail("\($0)") }
            XCTAssertEqual(origin, "run.yaml")
            XCTAssertEqual(key, "optimizer.critic.betas")
            XCTAssertEqual(expected, "a list of 2 numbers")
        }
    }

    func testScientificNotationIsAcceptedAsAStringOrAPlainScalar() throws {
        let quoted = try resolvedValues(yaml: "optimizer:\n  critic:\n    lr: \"1e-4\"\n  generator:\n    lr: '2.5E-5'\n")
        XCTAssertEqual(quoted["optimizer.critic.lr"], .float(1e-4))
        XCTAssertEqual(quoted["optimizer.generator.lr"], .float(2.5e-5))
        let plain = try resolvedValues(yaml: "optimizer:\n  critic:\n    lr: 1e-4\n    betas: [0, 9e-1]\n")
        XCTAssertEqual(plain["optimizer.critic.lr"], .float(1e-4))
        XCTAssertEqual(plain["optimizer.critic.betas"], .floats([0, 0.9]))
        XCTAssertEqual(try TrainingConfiguration(quoted).criticOptimizer.learningRate, 1e-4)
    }

    func testNullClearsAnOptionalKey() throws {
        let values = try resolvedValues(yaml: "model:\n  width: 128\n", flags: ["--set", "model.width=null"])
        XCTAssertEqual(values["model.width"], .null)
        let tilde = try resolvedValues(yaml: "run_dir: ~\ndata:\n  path:\n")
        XCTAssertEqual(tilde["run_dir"], .null)
        XCTAssertEqual(tilde["data.path"], .null)
    }
}
