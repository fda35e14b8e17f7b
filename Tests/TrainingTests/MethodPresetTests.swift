import Foundation
import XCTest

@testable import Training

/// The presets of the monoflow, gran and mmd methods are valid configurations of their
/// method (image presets with a data directory, as a user passes one).
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
}
