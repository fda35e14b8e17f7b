import XCTest

@testable import Training

final class ConfigurationFlagTests: XCTestCase {
    func testFlagsTakeSpaceOrEqualsSeparatedValuesAndRecordTheFlagAsOrigin() throws {
        let values = try resolvedValues(flags: ["--lr-d", "2e-4", "--steps=7", "--betas-g", "0.0, 0.99", "--dataset=ring"])
        XCTAssertEqual(values["optimizer.critic.lr"], .float(2e-4))
        XCTAssertEqual(values["train.steps"], .int(7))
        XCTAssertEqual(values["optimizer.generator.betas"], .floats([0, 0.99]))
        XCTAssertEqual(values["data.dataset"], .string("ring"))
        XCTAssertEqual(values.origin(of: "optimizer.critic.lr"), "--lr-d")
        XCTAssertEqual(values.origin(of: "train.steps"), "--steps")
    }

    func testBooleanFlagsAreSwitchesWithANegatedForm() throws {
        let on = try resolvedValues(flags: ["--spectral-norm", "--one-sided"])
        XCTAssertEqual(on["model.spectral_norm"], .bool(true))
        XCTAssertEqual(on["loss.one_sided"], .bool(true))
        let off = try resolvedValues(yaml: "model: {batch_norm: true}", flags: ["--no-batch-norm"])
        XCTAssertEqual(off["model.batch_norm"], .bool(false))
        XCTAssertEqual(off.origin(of: "model.batch_norm"), "--no-batch-norm")
        // A switch whose default is null (decided at run time) takes both forms too.
        XCTAssertEqual(try resolvedValues(flags: [])["run.overlap"], .null)
        XCTAssertEqual(try resolvedValues(flags: ["--overlap"])["run.overlap"], .bool(true))
        XCTAssertEqual(try resolvedValues(flags: ["--no-overlap"])["run.overlap"], .bool(false))
        XCTAssertEqual(try resolvedValues(flags: [])["run.update_split"], .null)
        XCTAssertEqual(try resolvedValues(flags: ["--update-split", "sharded"])["run.update_split"], .string("sharded"))
        let explicit = try resolvedValues(flags: ["--spectral-norm=false", "--batch-norm=yes"])
        XCTAssertEqual(explicit["model.spectral_norm"], .bool(false))
        XCTAssertEqual(explicit["model.batch_norm"], .bool(true))
    }

    func testSetAssignsAnyKeyPathReadingTheValueAsYAML() throws {
        let values = try resolvedValues(flags: [
            "--set", "optimizer.generator.betas=[0.0, 0.99]", "--set=train.n_critic=3", "--set", "data.path=/data/mnist",
            "--set", "optimizer.critic.lr=1e-4",
        ])
        XCTAssertEqual(values["optimizer.generator.betas"], .floats([0, 0.99]))
        XCTAssertEqual(values["train.n_critic"], .int(3))
        XCTAssertEqual(values["data.path"], .string("/data/mnist"))
        XCTAssertEqual(values["optimizer.critic.lr"], .float(1e-4))
        XCTAssertEqual(values.origin(of: "train.n_critic"), "--set train.n_critic")
    }

    func testFlagsOverrideTheFileInTheOrderGiven() throws {
        let values = try resolvedValues(yaml: "train: {steps: 10}", flags: ["--steps", "20", "--set", "train.steps=30"])
        XCTAssertEqual(values["train.steps"], .int(30))
        XCTAssertEqual(values.origin(of: "train.steps"), "--set train.steps")
    }

    func testAnUnknownFlagSuggestsTheClosestFlag() {
        let cases: [(flags: [String], error: ConfigError, message: String)] = [
            (["--stepz", "5"], .unknownFlag(flag: "--stepz", suggestion: "steps"), "unknown option '--stepz' (did you mean '--steps'?)"),
            (["--lr_d", "1"], .unknownFlag(flag: "--lr_d", suggestion: "lr-d"), "unknown option '--lr_d' (did you mean '--lr-d'?)"),
            (
                ["--batchsize=3"], .unknownFlag(flag: "--batchsize", suggestion: "batch-size"),
                "unknown option '--batchsize' (did you mean '--batch-size'?)"
            ),
            (["--frobnicate"], .unknownFlag(flag: "--frobnicate", suggestion: nil), "unknown option '--frobnicate'"),
            (["positional"], .unknownFlag(flag: "positional", suggestion: nil), "unknown option 'positional'"),
        ]
        for (flags, error, message) in cases {
            var values = ConfigValues()
            XCTAssertThrowsError(try values.apply(flags: flags), "\(flags)") {
                XCTAssertEqual($0 as? ConfigError, error)
                XCTAssertEqual("\($0)", message)
            }
        }
    }

    func testAFlagWithoutItsValueSaysSo() {
        var values = ConfigValues()
        XCTAssertThrowsError(try values.apply(flags: ["--seed", "1", "--steps"])) {
            XCTAssertEqual($0 as? ConfigError, .missingValue(flag: "--steps"))
            XCTAssertEqual("\($0)", "option '--steps' needs a value")
        }
        XCTAssertThrowsError(try values.apply(flags: ["--set"])) {
            XCTAssertEqual($0 as? ConfigError, .missingValue(flag: "--set"))
        }
    }

    func testAFlagValueOfTheWrongTypeNamesTheFlagAndTheKey() {
        var values = ConfigValues()
        XCTAssertThrowsError(try values.apply(flags: ["--steps", "abc"])) {
            XCTAssertEqual($0 as? ConfigError, .wrongType(origin: "--steps", key: "train.steps", expected: "a whole number", got: "abc"))
            XCTAssertEqual("\($0)", "--steps: train.steps: expected a whole number, got 'abc'")
        }
        XCTAssertThrowsError(try values.apply(flags: ["--betas-d", "0.5"])) {
            XCTAssertEqual(
                $0 as? ConfigError, .wrongType(origin: "--betas-d", key: "optimizer.critic.betas", expected: "a list of 2 numbers", got: "0.5"))
        }
    }

    func testSetRejectsAMissingEqualsAndUnknownKeys() {
        var values = ConfigValues()
        XCTAssertThrowsError(try values.apply(flags: ["--set", "train.steps"])) {
            XCTAssertEqual($0 as? ConfigError, .invalidValue(origin: "--set", key: "train.steps", reason: "expected key.path=value"))
            XCTAssertEqual("\($0)", "--set: train.steps: expected key.path=value")
        }
        XCTAssertThrowsError(try values.apply(flags: ["--set", "train.stepz=3"])) {
            XCTAssertEqual($0 as? ConfigError, .unknownKey(origin: "--set", key: "train.stepz", suggestion: "train.steps"))
            XCTAssertEqual("\($0)", "--set: unknown key 'train.stepz' (did you mean 'train.steps'?)")
        }
        XCTAssertThrowsError(try values.apply(flags: ["--set", "train.steps=lots"])) {
            XCTAssertEqual(
                $0 as? ConfigError, .wrongType(origin: "--set train.steps", key: "train.steps", expected: "a whole number", got: "lots"))
        }
    }

    func testEveryFlagReachesItsKey() throws {
        for key in ConfigSchema.keys {
            var values = ConfigValues()
            try values.apply(flags: ["--\(key.flag)=\(flagText(key.defaultValue))"])
            XCTAssertEqual(values.origin(of: key.path), "--\(key.flag)", key.path)
            XCTAssertEqual(values[key.path], key.defaultValue, key.path)
        }
    }

    /// How a user types `value` after `--flag=`.
    private func flagText(_ value: ConfigValue) -> String {
        if case .floats(let numbers) = value { return numbers.map { "\($0)" }.joined(separator: ",") }
        return value.description
    }
}
