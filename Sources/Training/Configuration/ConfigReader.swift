import Foundation

/// Reads typed configuration values and words errors with the key and where its value came from.
struct ConfigReader {
    let values: ConfigValues

    func invalid(_ path: String, _ reason: String) -> ConfigError {
        .invalidValue(origin: values.origin(of: path), key: path, reason: reason)
    }

    func string(_ path: String) throws -> String {
        guard case .string(let s) = values[path] else { throw invalid(path, "expected a string") }
        return s
    }

    func optionalString(_ path: String) throws -> String? {
        if case .null = values[path] { return nil }
        return try string(path)
    }

    func bool(_ path: String) throws -> Bool {
        guard case .bool(let b) = values[path] else { throw invalid(path, "expected true or false") }
        return b
    }

    func optionalBool(_ path: String) throws -> Bool? {
        if case .null = values[path] { return nil }
        return try bool(path)
    }

    func int(_ path: String, atLeast minimum: Int) throws -> Int {
        guard case .int(let v) = values[path] else { throw invalid(path, "expected a whole number") }
        guard v >= minimum else { throw invalid(path, "must be at least \(minimum), got \(v)") }
        return v
    }

    func optionalInt(_ path: String, atLeast minimum: Int) throws -> Int? {
        if case .null = values[path] { return nil }
        return try int(path, atLeast: minimum)
    }

    func float(_ path: String, atLeast minimum: Float? = nil, positive: Bool = false) throws -> Float {
        guard case .float(let v) = values[path] else { throw invalid(path, "expected a number") }
        let value = Float(v)
        guard value.isFinite else { throw invalid(path, "must be a finite 32-bit number, got \(formatNumber(v))") }
        if positive && !(value > 0) { throw invalid(path, "must be positive, got \(formatNumber(v))") }
        if let minimum, !(value >= minimum) { throw invalid(path, "must be at least \(formatNumber(Double(minimum))), got \(formatNumber(v))") }
        return value
    }

    func optionalFloat(_ path: String) throws -> Float? {
        if case .null = values[path] { return nil }
        return try float(path)
    }

    /// One of the raw values of `T`'s cases (the schema already restricts the choices).
    func choice<T: RawRepresentable>(_ path: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: try string(path)) else { throw invalid(path, "unknown choice '\(try string(path))'") }
        return value
    }

    func optionalChoice<T: RawRepresentable>(_ path: String) throws -> T? where T.RawValue == String {
        if case .null = values[path] { return nil }
        return try choice(path) as T
    }

    func optimizer(_ prefix: String) throws -> TrainingConfiguration.OptimizerSettings {
        guard case .floats(let betas) = values[prefix + ".betas"] else { throw invalid(prefix + ".betas", "expected two numbers") }
        for beta in betas where !(beta >= 0 && beta < 1) {
            throw invalid(prefix + ".betas", "each beta must be in [0, 1), got \(formatNumber(beta))")
        }
        return TrainingConfiguration.OptimizerSettings(
            kind: try choice(prefix + ".kind"), learningRate: try float(prefix + ".lr", positive: true),
            betas: (Float(betas[0]), Float(betas[1])), weightDecay: try float(prefix + ".weight_decay", atLeast: 0),
            momentum: try float(prefix + ".momentum", atLeast: 0), schedule: try choice(prefix + ".schedule"))
    }
}
