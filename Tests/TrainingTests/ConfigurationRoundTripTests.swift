import XCTest

@testable import Training

final class ConfigurationRoundTripTests: XCTestCase {
    /// Re-reads `values.yaml()` into fresh defaults.
    private func reread(_ values: ConfigValues) throws -> ConfigValues {
        var again = ConfigValues()
        try again.merge(yamlText: values.yaml(), origin: "config.yaml")
        return again
    }

    private func assertSameValues(_ a: ConfigValues, _ b: ConfigValues, file: StaticString = #filePath, line: UInt = #line) {
        for key in ConfigSchema.keys {
            XCTAssertEqual(a[key.path], b[key.path], key.path, file: file, line: line)
        }
    }

    func testTheDefaultsRoundTripIncludingNulls() throws {
        let defaults = ConfigValues()
        let again = try reread(defaults)
        assertSameValues(defaults, again)
        XCTAssertEqual(again["run_dir"], .null)
        XCTAssertEqual(again["train.ema_decay"], .null)
        for key in ConfigSchema.keys {
            XCTAssertEqual(again.origin(of: key.path), "config.yaml", "every key is written out: \(key.path)")
        }
    }

    func testEveryKeySetToAnotherValueRoundTrips() throws {
        var values = ConfigValues()
        let floats: [Double] = [1.0 / 3.0, 1e-5, 3e-05, 2.5e-17, 1e20, 0.1, 123456.789, -7.25]
        var index = 0
        for key in ConfigSchema.keys {
            let text = Self.alternative(for: key.type, default: key.defaultValue, index: index, floats: floats)
            try values.apply(flags: ["--\(key.flag)=\(text)"])
            XCTAssertNotEqual(values[key.path], key.defaultValue, "the test should change \(key.path)")
            index += 1
        }
        assertSameValues(values, try reread(values))
    }

    func testFloatListsKeepEveryDigit() throws {
        let values = try resolvedValues(flags: ["--betas-g", "0.1,0.30000000000000004", "--betas-d", "1e-05,0.9999999"])
        let again = try reread(values)
        XCTAssertEqual(again["optimizer.generator.betas"], .floats([0.1, 0.30000000000000004]))
        XCTAssertEqual(again["optimizer.critic.betas"], .floats([1e-05, 0.9999999]))
    }

    func testStringsWithYAMLSyntaxAndControlCharactersRoundTrip() throws {
        let awkward = [
            "plain", "with: colon # and hash", "\"quoted\" and \\backslash\\", "line one\nline two", "tab\there", "  padded  ",
            "true", "1e-4", "[not, a, list]", "ünïcødé 🎲", "bell\u{07}", "next\u{85}line",
        ]
        for text in awkward {
            let values = try resolvedValues(flags: ["--run-dir=\(text)", "--name", "n"])
            XCTAssertEqual(try reread(values)["run_dir"], .string(text), text.debugDescription)
        }
    }

    func testTheYAMLDocumentsEveryKeyWithItsHelp() {
        let yaml = ConfigValues().yaml()
        for key in ConfigSchema.keys {
            XCTAssertTrue(yaml.contains("# " + key.help + "\n"), key.path)
        }
        XCTAssertTrue(yaml.contains("optimizer:\n  generator:\n    # Generator optimizer.\n    kind: \"adam\"\n"), yaml)
        XCTAssertTrue(yaml.contains("\n  critic:\n    # Critic optimizer.\n    kind: \"adam\"\n"), yaml)
    }

    /// Flag text for a value of `type` that differs from `defaultValue`.
    private static func alternative(for type: ConfigType, default defaultValue: ConfigValue, index: Int, floats: [Double]) -> String {
        switch type {
        case .int: return String(1000 + index)
        case .float:
            // The next float of the list that is not the default.
            let offset = (0..<floats.count).first { defaultValue != .float(floats[(index + $0) % floats.count]) } ?? 0
            return "\(floats[(index + offset) % floats.count])"
        case .bool: return defaultValue == .bool(true) ? "false" : "true"
        case .string: return "run \"\(index)\": a\\b"
        case .choice(let options): return options.first { .string($0) != defaultValue } ?? options[0]
        case .floats(let count): return (0..<count).map { "\(floats[(index + $0) % floats.count])" }.joined(separator: ",")
        case .optional(let inner): return alternative(for: inner, default: .null, index: index, floats: floats)
        }
    }
}
