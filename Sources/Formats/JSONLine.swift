import Foundation

/// One JSON object with keys in insertion order, printed on a single line.
public struct JSONLine {
    public init() {}

    private var fields: [(String, String)] = []
    /// The numeric fields in insertion order (for scalar logs such as TensorBoard).
    public private(set) var numericFields: [(String, Double)] = []

    /// Appends a field; setting nil does nothing. Reading always gives nil (write-only).
    public subscript(key: String) -> Any? {
        get { nil }
        set {
            guard let newValue else { return }
            fields.append((key, Self.encode(newValue)))
            switch newValue {
            case let v as Int: numericFields.append((key, Double(v)))
            case let v as Double: numericFields.append((key, v))
            case let v as Float: numericFields.append((key, Double(v)))
            default: break
            }
        }
    }

    /// The object as one line of JSON.
    public var text: String {
        "{" + fields.map { "\(Self.quote($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
    }

    private static func encode(_ value: Any) -> String {
        switch value {
        case let v as String: return quote(v)
        case let v as Bool: return v ? "true" : "false"
        case let v as Int: return String(v)
        case let v as Double: return v.isFinite ? String(format: "%.6g", v) : "null"
        case let v as Float: return encode(Double(v))
        default: return quote("\(value)")
        }
    }

    /// `s` as a JSON string literal, quoted and escaped.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
