import Foundation

/// Resolves `tandem train`'s configuration: schema defaults, then (when resuming)
/// the run directory's own config.yaml, then `--config FILE`, then flags.
public enum RunConfiguration {
    public static func resolve(configFile: String?, flags: [String], resume: Bool) throws -> TrainingConfiguration {
        var values = ConfigValues()
        if resume {
            // Find the run directory the flags or the file name, and start from what that run used.
            var probe = ConfigValues()
            if let configFile { try probe.merge(yamlFile: configFile) }
            try probe.apply(flags: flags)
            if case .string(let directory) = probe["run_dir"] {
                let saved = RunDirectory(url: URL(fileURLWithPath: directory)).configFile
                if FileManager.default.fileExists(atPath: saved.path) { try values.merge(yamlFile: saved.path) }
            }
        }
        if let configFile { try values.merge(yamlFile: configFile) }
        try values.apply(flags: flags)
        return try TrainingConfiguration(values)
    }

    /// A run directory's configuration, as its config.yaml records it.
    public static func load(runDirectory: RunDirectory) throws -> TrainingConfiguration {
        var values = ConfigValues()
        try values.merge(yamlFile: runDirectory.configFile.path)
        return try TrainingConfiguration(values)
    }
}
