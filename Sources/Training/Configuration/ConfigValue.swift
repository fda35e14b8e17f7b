import Foundation

/// One configuration value, as read from YAML or a flag.
public enum ConfigValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int)
    case float(Double)
    case string(String)
    case bool(Bool)
    case floats([Double])
    case null

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .float(let v): return formatNumber(v)
        case .string(let v): return v
        case .bool(let v): return v ? "true" : "false"
        case .floats(let v): return "[" + v.map(formatNumber).joined(separator: ", ") + "]"
        case .null: return "null"
        }
    }
}

/// Shortest text that reads back as the same Double ("0.0001", "3e-05", "5").
func formatNumber(_ value: Double) -> String {
    if value == value.rounded(), Swift.abs(value) < 1e15 { return String(Int(value)) }
    return "\(value)"
}

/// What a key accepts.
public indirect enum ConfigType: Sendable {
    case int
    case float
    case bool
    case string
    case choice([String])
    /// A list of exactly `count` numbers, e.g. Adam's betas.
    case floats(count: Int)
    /// The inner type, or null.
    case optional(ConfigType)

    /// Whether `--flag` sets the key to true and `--no-flag` to false (a flag with no value).
    var isSwitch: Bool {
        switch self {
        case .bool, .optional(.bool): return true
        default: return false
        }
    }

    /// One of the raw values of a closed set of choices.
    static func choice<T: CaseIterable & RawRepresentable>(of type: T.Type) -> ConfigType where T.RawValue == String {
        .choice(T.allCases.map(\.rawValue))
    }

    var summary: String {
        switch self {
        case .int: return "a whole number"
        case .float: return "a number"
        case .bool: return "true or false"
        case .string: return "a string"
        case .choice(let options): return "one of " + options.joined(separator: ", ")
        case .floats(let count): return "a list of \(count) numbers"
        case .optional(let inner): return inner.summary + ", or null"
        }
    }

    /// Converts a YAML-decoded value (or a flag's text) to this type, or nil when it does not fit.
    func coerce(_ raw: Any?) -> ConfigValue? {
        switch self {
        case .optional(let inner):
            if raw == nil || raw is NSNull || (raw as? String).map({ ["null", "~", ""].contains($0) }) == true { return .null }
            return inner.coerce(raw)
        case .int:
            if let v = raw as? Int { return .int(v) }
            if let v = raw as? Double, v == v.rounded(), Swift.abs(v) < 1e15 { return .int(Int(v)) }
            if let s = raw as? String, let v = Int(s.replacingOccurrences(of: "_", with: "")) { return .int(v) }
            return nil
        case .float:
            if let v = raw as? Double { return v.isFinite ? .float(v) : nil }
            if let v = raw as? Int { return .float(Double(v)) }
            if let s = raw as? String, let v = Double(s), v.isFinite { return .float(v) }
            return nil
        case .bool:
            if let v = raw as? Bool { return .bool(v) }
            if let s = raw as? String {
                if ["true", "yes", "on", "1"].contains(s.lowercased()) { return .bool(true) }
                if ["false", "no", "off", "0"].contains(s.lowercased()) { return .bool(false) }
            }
            return nil
        case .string:
            if let s = raw as? String { return .string(s) }
            return nil
        case .choice(let options):
            if let s = raw as? String, options.contains(s) { return .string(s) }
            return nil
        case .floats(let count):
            var items: [Any?]
            if let list = raw as? [Any] {
                items = list
            } else if let s = raw as? String {
                items = s.split(separator: ",").map { String($0).trimmingWhitespace() }
            } else {
                return nil
            }
            guard items.count == count else { return nil }
            var numbers: [Double] = []
            for item in items {
                guard case .float(let v)? = ConfigType.float.coerce(item) else { return nil }
                numbers.append(v)
            }
            return .floats(numbers)
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
