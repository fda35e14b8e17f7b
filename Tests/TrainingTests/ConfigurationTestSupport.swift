import XCTest

@testable import Training

/// Values resolved from defaults, then `yaml` (named "run.yaml" in errors), then `flags`.
func resolvedValues(yaml: String = "", flags: [String] = []) throws -> ConfigValues {
    var values = ConfigValues()
    try values.merge(yamlText: yaml, origin: "run.yaml")
    try values.apply(flags: flags)
    return values
}

/// The ConfigError that resolving and validating these inputs ends with, or nil when they are valid.
func configurationError(yaml: String = "", flags: [String] = [], file: StaticString = #filePath, line: UInt = #line) -> ConfigError? {
    do {
        _ = try TrainingConfiguration(try resolvedValues(yaml: yaml, flags: flags))
        return nil
    } catch let error as ConfigError {
        return error
    } catch {
        XCTFail("expected a ConfigError, got \(type(of: error)): \(error)", file: file, line: line)
        return nil
    }
}

/// Asserts the inputs fail with exactly `message`, on one line.
func assertConfigurationFails(
    yaml: String = "", flags: [String] = [], with message: String, file: StaticString = #filePath, line: UInt = #line
) {
    guard let error = configurationError(yaml: yaml, flags: flags, file: file, line: line) else {
        XCTFail("expected the configuration to be rejected with: \(message)", file: file, line: line)
        return
    }
    XCTAssertEqual(error.description, message, file: file, line: line)
    XCTAssertFalse(error.description.contains("\n"), "error messages are one line", file: file, line: line)
}
