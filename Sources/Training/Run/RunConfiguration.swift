import Foundation

/// Resolves `tandem train`'s configuration: schema defaults, then (when resuming)
/// the run directory's own config.yaml, then `--config FILE`, then flags.
public enum RunConfiguration {
    /// Keys that define what a run is: a resumed run must keep them, or its data stream,
    /// networks or randomness would silently change.
    static func definesRun(_ path: String) -> Bool {
        ["seed", "method", "train.batch_size"].contains(path) || path.hasPrefix("data.") || path.hasPrefix("model.")
    }

    /// The configuration, and (when resuming) a line for each key that differs from the
    /// run's saved config.yaml. A key that defines the run may differ only with
    /// `allowChangedKeys`; otherwise the error names the key and both values.
    public static func resolve(configFile: String?, flags: [String], resume: Bool, allowChangedKeys: Bool = false) throws
        -> (configuration: TrainingConfiguration, changes: [String])
    {
        var values = ConfigValues()
        var saved: (values: ConfigValues, file: String)?
        if resume {
            // Find the run directory the flags or the file name, and start from what that run used.
            var probe = ConfigValues()
            if let configFile { try probe.merge(yamlFile: configFile) }
            try probe.apply(flags: flags)
            if case .string(let directory) = probe["run_dir"] {
                let file = RunDirectory(url: URL(fileURLWithPath: directory)).configFile.path
                if FileManager.default.fileExists(atPath: file) {
                    try values.merge(yamlFile: file)
                    saved = (values, file)
                }
            }
        }
        if let configFile { try values.merge(yamlFile: configFile) }
        try values.apply(flags: flags)
        let configuration = try TrainingConfiguration(values)
        guard let saved else { return (configuration, []) }
        return (configuration, try changes(from: saved.values, file: saved.file, to: values, allowed: allowChangedKeys))
    }

    /// One line per key whose value differs between the saved run and this resumption.
    static func changes(from saved: ConfigValues, file: String, to values: ConfigValues, allowed: Bool) throws -> [String] {
        var lines: [String] = []
        for key in ConfigSchema.keys where key.path != "run_dir" && saved[key.path] != values[key.path] {
            let change = "\(key.path): \(saved[key.path]) -> \(values[key.path])"
            if definesRun(key.path) {
                guard allowed else {
                    throw ConfigError.invalidValue(
                        origin: values.origin(of: key.path), key: key.path,
                        reason: "the run in \(file) has \(saved[key.path]), this resumption \(values[key.path]); it defines the run, so a resumed run must keep it (or pass --allow-changed-keys)")
                }
                lines.append("warning: resuming with changed \(change) (allowed by --allow-changed-keys)")
            } else {
                lines.append("resuming with changed \(change)")
            }
        }
        return lines
    }

    /// A run directory's configuration, as its config.yaml records it.
    public static func load(runDirectory: RunDirectory) throws -> TrainingConfiguration {
        var values = ConfigValues()
        try values.merge(yamlFile: runDirectory.configFile.path)
        return try TrainingConfiguration(values)
    }
}
