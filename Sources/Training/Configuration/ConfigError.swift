/// A configuration problem, described in one line that names where the value
/// came from (file or flag), the key, and what was expected.
public enum ConfigError: Error, CustomStringConvertible, Equatable {
    case unreadableFile(path: String, reason: String)
    case invalidYAML(path: String, reason: String)
    case unknownKey(origin: String, key: String, suggestion: String?)
    case unknownFlag(flag: String, suggestion: String?)
    case wrongType(origin: String, key: String, expected: String, got: String)
    case invalidValue(origin: String, key: String, reason: String)
    case missingValue(flag: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "\(path): cannot read the config file: \(reason)"
        case let .invalidYAML(path, reason):
            return "\(path): not valid YAML: \(reason)"
        case let .unknownKey(origin, key, suggestion):
            return "\(origin): unknown key '\(key)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
        case let .unknownFlag(flag, suggestion):
            return "unknown option '\(flag)'" + (suggestion.map { " (did you mean '--\($0)'?)" } ?? "")
        case let .wrongType(origin, key, expected, got):
            return "\(origin): \(key): expected \(expected), got '\(got)'"
        case let .invalidValue(origin, key, reason):
            return "\(origin): \(key): \(reason)"
        case let .missingValue(flag):
            return "option '\(flag)' needs a value"
        }
    }
}
