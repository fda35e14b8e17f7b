import Foundation
import Yams

/// Configuration values resolved in layers: schema defaults, then a YAML file,
/// then flags and `--set key=value`, each remembering where it came from so an
/// error can name the file or flag.
public struct ConfigValues: Sendable {
    private var values: [String: ConfigValue] = [:]
    private var origins: [String: String] = [:]

    /// The schema's defaults.
    public init() {
        for key in ConfigSchema.keys {
            values[key.path] = key.defaultValue
            origins[key.path] = "default"
        }
    }

    public subscript(path: String) -> ConfigValue {
        guard let value = values[path] else { preconditionFailure("config: '\(path)' is not in the schema") }
        return value
    }

    /// Where the value of `path` came from: "default", a file path, or a flag.
    public func origin(of path: String) -> String {
        origins[path] ?? "default"
    }

    /// Overlays the keys of a YAML file. Unknown keys and wrong types are errors naming the file and key path.
    public mutating func merge(yamlFile path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "it is not readable UTF-8 text" : "no such file"
            throw ConfigError.unreadableFile(path: path, reason: reason)
        }
        try merge(yamlText: text, origin: path)
    }

    /// Overlays the keys of YAML text; `origin` names it in errors.
    public mutating func merge(yamlText: String, origin: String) throws {
        let document: Any?
        do {
            document = try Yams.load(yaml: yamlText)
        } catch {
            let reason = "\(error)".split(separator: "\n").first.map(String.init) ?? "parse error"
            throw ConfigError.invalidYAML(path: origin, reason: reason)
        }
        guard let document else { return }  // an empty file changes nothing
        guard let mapping = document as? [String: Any] else {
            throw ConfigError.invalidYAML(path: origin, reason: "the top level must be a mapping of keys to values")
        }
        try merge(mapping, prefix: "", origin: origin)
    }

    private mutating func merge(_ mapping: [String: Any], prefix: String, origin: String) throws {
        for (name, raw) in mapping.sorted(by: { $0.key < $1.key }) {
            let path = prefix.isEmpty ? name : prefix + "." + name
            if let key = ConfigSchema.byPath[path] {
                try assign(key, raw, origin: origin)
            } else if ConfigSchema.keys.contains(where: { $0.path.hasPrefix(path + ".") }) {
                guard let nested = raw as? [String: Any] else {
                    throw ConfigError.wrongType(origin: origin, key: path, expected: "a mapping of keys", got: "\(raw)")
                }
                try merge(nested, prefix: path, origin: origin)
            } else {
                throw ConfigError.unknownKey(origin: origin, key: path, suggestion: ConfigSchema.suggestion(for: path))
            }
        }
    }

    /// Applies `tandem train` flags: `--flag value`, `--flag=value`, boolean `--flag` /
    /// `--no-flag`, and `--set key.path=value`.
    public mutating func apply(flags arguments: [String]) throws {
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            guard argument.hasPrefix("--") else {
                throw ConfigError.unknownFlag(flag: argument, suggestion: nil)
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if name == "set" {
                guard let assignment = inlineValue ?? (i + 1 < arguments.count ? arguments[i + 1] : nil) else {
                    throw ConfigError.missingValue(flag: "--set")
                }
                if inlineValue == nil { i += 1 }
                try set(assignment)
                i += 1
                continue
            }
            if name.hasPrefix("no-"), let key = ConfigSchema.byFlag[String(name.dropFirst(3))], key.type.isSwitch, inlineValue == nil {
                try assign(key, false, origin: "--" + name)
                i += 1
                continue
            }
            guard let key = ConfigSchema.byFlag[name] else {
                let suggestion = ConfigSchema.keys.map(\.flag).min { editDistance($0, name) < editDistance($1, name) }
                throw ConfigError.unknownFlag(flag: "--" + name, suggestion: suggestion.flatMap { editDistance($0, name) <= 3 ? $0 : nil })
            }
            if key.type.isSwitch, inlineValue == nil {
                try assign(key, true, origin: "--" + name)
                i += 1
                continue
            }
            guard let value = inlineValue ?? (i + 1 < arguments.count ? arguments[i + 1] : nil) else {
                throw ConfigError.missingValue(flag: "--" + name)
            }
            if inlineValue == nil { i += 1 }
            try assign(key, value, origin: "--" + name)
            i += 1
        }
    }

    /// Applies one `key.path=value` assignment (the value is read as YAML).
    public mutating func set(_ assignment: String) throws {
        guard let equals = assignment.firstIndex(of: "=") else {
            throw ConfigError.invalidValue(origin: "--set", key: assignment, reason: "expected key.path=value")
        }
        let path = String(assignment[..<equals]).trimmingWhitespace()
        let text = String(assignment[assignment.index(after: equals)...])
        guard let key = ConfigSchema.byPath[path] else {
            throw ConfigError.unknownKey(origin: "--set", key: path, suggestion: ConfigSchema.suggestion(for: path))
        }
        let raw: Any? = (try? Yams.load(yaml: text)) ?? text
        try assign(key, raw, origin: "--set \(path)")
    }

    private mutating func assign(_ key: ConfigKey, _ raw: Any?, origin: String) throws {
        guard let value = key.type.coerce(raw) else {
            throw ConfigError.wrongType(origin: origin, key: key.path, expected: key.type.summary, got: raw.map { "\($0)" } ?? "null")
        }
        values[key.path] = value
        origins[key.path] = origin
    }

    /// The values as a YAML document, every key in schema order with its meaning as a comment.
    public func yaml() -> String {
        var lines = ["# Resolved configuration of a tandem run: every key, with the value used."]
        var openSections: [String] = []
        for key in ConfigSchema.keys {
            let parts = key.path.split(separator: ".").map(String.init)
            let sections = Array(parts.dropLast())
            var shared = 0
            while shared < min(sections.count, openSections.count) && sections[shared] == openSections[shared] { shared += 1 }
            for depth in shared..<sections.count {
                lines.append(String(repeating: "  ", count: depth) + sections[depth] + ":")
            }
            openSections = sections
            let indent = String(repeating: "  ", count: sections.count)
            lines.append(indent + "# " + key.help)
            lines.append(indent + parts.last! + ": " + yamlScalar(self[key.path]))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func yamlScalar(_ value: ConfigValue) -> String {
        switch value {
        case .string(let s):
            // Double-quoted YAML: escape what the reader would otherwise fold or end the string on.
            var quoted = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\\": quoted += "\\\\"
                case "\"": quoted += "\\\""
                case "\n": quoted += "\\n"
                case "\r": quoted += "\\r"
                case "\t": quoted += "\\t"
                default:
                    if scalar.value < 0x20 || [0x7f, 0x85, 0x2028, 0x2029].contains(scalar.value) {
                        quoted += String(format: "\\u%04x", scalar.value)
                    } else {
                        quoted.unicodeScalars.append(scalar)
                    }
                }
            }
            return quoted + "\""
        default: return value.description
        }
    }
}
