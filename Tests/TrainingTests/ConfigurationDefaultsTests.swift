import GAN
import XCTest

@testable import Training

final class ConfigurationDefaultsTests: XCTestCase {
    func testDefaultsResolveToTheDocumentedWGANGPToyRun() throws {
        let config = try TrainingConfiguration(ConfigValues())
        XCTAssertEqual(config.name, "wgan-gp")
        XCTAssertEqual(config.seed, 0)
        XCTAssertNil(config.runDirectory)
        XCTAssertEqual(config.dataset, "8gaussians")
        XCTAssertTrue(config.isToyDataset)
        XCTAssertNil(config.dataPath)
        XCTAssertEqual(config.dataLayout, "nchw")
        XCTAssertFalse(config.wrapPartialBatch)
        XCTAssertEqual(config.model, "mlp")
        XCTAssertEqual(config.width, 512)
        XCTAssertEqual(config.latentDimension, 2)
        XCTAssertFalse(config.spectralNorm)
        XCTAssertFalse(config.batchNorm)
        XCTAssertEqual(config.objective, .wasserstein)
        XCTAssertEqual(config.penalty, "gp")
        XCTAssertEqual(config.penaltyWeight, 0.1)
        XCTAssertEqual(config.penaltyEvery, 1)
        XCTAssertFalse(config.oneSided)
        XCTAssertEqual(config.clipLimit, 0.01)
        XCTAssertEqual(config.steps, 2000)
        XCTAssertEqual(config.batchSize, 256)
        XCTAssertEqual(config.criticSteps, 5)
        XCTAssertNil(config.ema)
        let adam = TrainingConfiguration.OptimizerSettings(
            kind: "adam", learningRate: 1e-4, betas: (0.5, 0.9), weightDecay: 0, momentum: 0, linearDecay: false)
        XCTAssertEqual(config.generatorOptimizer, adam)
        XCTAssertEqual(config.criticOptimizer, adam)
        XCTAssertEqual(config.logEvery, 50)
        XCTAssertEqual(config.sampleEvery, 500)
        XCTAssertEqual(config.checkpointEvery, 500)
        XCTAssertEqual(config.keepCheckpoints, 0)
    }

    func testEveryDefaultComesFromTheDefaultOrigin() {
        let values = ConfigValues()
        for key in ConfigSchema.keys {
            XCTAssertEqual(values[key.path], key.defaultValue, key.path)
            XCTAssertEqual(values.origin(of: key.path), "default", key.path)
        }
    }

    func testDCGANDefaultsToWidth64AndLatent128() throws {
        let config = try TrainingConfiguration(try resolvedValues(flags: ["--model", "dcgan"]))
        XCTAssertEqual(config.width, 64)
        XCTAssertEqual(config.latentDimension, 128)
    }

    func testEMASettingsPreferAFixedDecayOverAHalfLife() throws {
        let decay = try TrainingConfiguration(try resolvedValues(flags: ["--ema-decay", "0.999", "--ema-kimg", "10"]))
        XCTAssertEqual(decay.ema, .decay(0.999))
        let halfLife = try TrainingConfiguration(try resolvedValues(flags: ["--ema-kimg", "10", "--ema-rampup", "0.05"]))
        XCTAssertEqual(halfLife.ema, .halfLife(kimg: 10, rampup: 0.05))
        let noRampup = try TrainingConfiguration(try resolvedValues(flags: ["--ema-kimg", "0.5"]))
        XCTAssertEqual(noRampup.ema, .halfLife(kimg: 0.5, rampup: nil))
    }

    func testEveryKeyHasAUniquePathAUniqueFlagAndHelp() {
        let paths = ConfigSchema.keys.map(\.path)
        let flags = ConfigSchema.keys.map(\.flag)
        XCTAssertEqual(Set(paths).count, paths.count, "duplicate paths")
        XCTAssertEqual(Set(flags).count, flags.count, "duplicate flags")
        for key in ConfigSchema.keys {
            XCTAssertFalse(key.help.trimmingCharacters(in: .whitespaces).isEmpty, "\(key.path) has no help")
            XCTAssertFalse(key.help.contains("\n"), "\(key.path): help must be one line (config.yaml comments)")
            XCTAssertFalse(key.flag.isEmpty, key.path)
            XCTAssertNotEqual(key.flag, "set", "\(key.path): --set is reserved")
            XCTAssertFalse(key.flag.hasPrefix("no-"), "\(key.path): --no- is the negation of boolean flags")
            XCTAssertFalse(key.flag.contains("="), key.path)
        }
    }

    func testEveryDefaultIsAValueOfItsOwnType() {
        for key in ConfigSchema.keys {
            let raw: Any? = {
                switch key.defaultValue {
                case .int(let v): return v
                case .float(let v): return v
                case .string(let v): return v
                case .bool(let v): return v
                case .floats(let v): return v as [Any]
                case .null: return nil
                }
            }()
            XCTAssertEqual(key.type.coerce(raw), key.defaultValue, key.path)
        }
    }

    func testEveryObjectiveChoiceNamesAGANObjective() throws {
        let key = try XCTUnwrap(ConfigSchema.keys.first { $0.path == "loss.objective" })
        guard case .choice(let options) = key.type else { return XCTFail("loss.objective should be a choice") }
        XCTAssertEqual(options.count, 5)
        for option in options {
            XCTAssertNotNil(Objective(rawValue: option), option)
            let config = try TrainingConfiguration(try resolvedValues(flags: ["--objective", option]))
            XCTAssertEqual(config.objective.rawValue, option)
        }
    }

    func testEveryDatasetChoiceIsEitherAToyMixtureOrNeedsAPath() throws {
        for dataset in ConfigSchema.datasets {
            let withPath = try TrainingConfiguration(try resolvedValues(flags: ["--dataset", dataset, "--data", "/data/x"]))
            if withPath.isToyDataset {
                XCTAssertNoThrow(try TrainingConfiguration(try resolvedValues(flags: ["--dataset", dataset])), dataset)
            } else {
                XCTAssertNotNil(configurationError(flags: ["--dataset", dataset]), dataset)
            }
        }
        XCTAssertEqual(ConfigSchema.datasets.filter { !["mnist", "cifar10", "npy", "folder"].contains($0) }.count, 5)
    }
}
