import Foundation
import XCTest

@testable import Training

/// Every preset in configs/ is a valid configuration named after its file, and the methods'
/// presets configure their method (image presets with a data directory, as a user passes one).
final class MethodPresetTests: XCTestCase {
    private let configs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../configs").standardized

    func testEveryMethodPresetIsAValidConfiguration() throws {
        let presets: [(String, MethodKind)] = [
            ("monoflow-25gaussians", .monoflow), ("monoflow-mnist", .monoflow), ("gran-25gaussians", .gran), ("gran-mnist", .gran),
            ("mmd-25gaussians", .mmd), ("mmd-mnist", .mmd),
        ]
        for (name, method) in presets {
            var values = ConfigValues()
            try values.merge(yamlFile: configs.appendingPathComponent("\(name).yaml").path)
            if name.hasSuffix("mnist") { try values.apply(flags: ["--data", "/data/mnist"]) }
            let config = try TrainingConfiguration(values)
            XCTAssertEqual(config.method, method, name)
            XCTAssertEqual(config.name, name)
        }
    }

    func testEveryPresetIsAValidConfigurationNamedAfterItsFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: configs.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 30, "\(files)")
        for file in files {
            var values = ConfigValues()
            try values.merge(yamlFile: configs.appendingPathComponent(file).path)
            let name = String(file.dropLast(".yaml".count))
            let text = try String(contentsOf: configs.appendingPathComponent(file), encoding: .utf8)
            let dataset = text.split(separator: "\n").first { $0.hasPrefix("  dataset: ") }.map { String($0.dropFirst("  dataset: ".count)) }
            if DatasetKind(rawValue: dataset ?? "")?.needsPath == true { try values.apply(flags: ["--data", "/data/x"]) }
            let config = try TrainingConfiguration(values)
            XCTAssertEqual(config.name, name, file)
        }
        // The time-to-quality presets and the quick start keep an EMA of the generator and decay both rates to 0.
        for name in ["quickstart", "fast-grid", "fast-ring", "fast-mnist"] {
            var values = ConfigValues()
            try values.merge(yamlFile: configs.appendingPathComponent("\(name).yaml").path)
            try values.apply(flags: ["--data", "/data/x"])
            let config = try TrainingConfiguration(values)
            XCTAssertNotNil(config.ema, name)
            XCTAssertEqual(config.generatorOptimizer.schedule, .linear, name)
        }
    }
}
