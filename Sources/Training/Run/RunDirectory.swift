import Formats
import Foundation

/// A run's directory: config.yaml (the resolved configuration), metrics.jsonl
/// (one JSON object per log step), samples/ (pictures) and checkpoints/.
public struct RunDirectory: Sendable {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// `configured`, or runs/<name>-<timestamp> under the current directory.
    public static func resolve(configured: String?, name: String, now: Date = Date()) -> RunDirectory {
        if let configured { return RunDirectory(url: URL(fileURLWithPath: configured)) }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return RunDirectory(url: URL(fileURLWithPath: "runs").appendingPathComponent("\(name)-\(formatter.string(from: now))"))
    }

    public var configFile: URL { url.appendingPathComponent("config.yaml") }
    public var metricsFile: URL { url.appendingPathComponent("metrics.jsonl") }
    public var samplesDirectory: URL { url.appendingPathComponent("samples") }
    /// TensorBoard event files: `tensorboard --logdir runs` shows every run.
    public var tensorBoardDirectory: URL { url.appendingPathComponent("tensorboard") }
    public var checkpoints: CheckpointStore { CheckpointStore(runDirectory: url) }

    /// samples/step-NNNNNNN.png
    public func samplePicture(step: Int) -> URL {
        samplesDirectory.appendingPathComponent(CheckpointStore.directoryName(step: step) + ".png")
    }

    /// What the directory holds of an earlier run ("config.yaml, 3 checkpoints, metrics.jsonl"), or nil.
    public var earlierRun: String? {
        let fm = FileManager.default
        let checkpoints = ((try? fm.contentsOfDirectory(atPath: self.checkpoints.root.path)) ?? []).filter { $0.hasPrefix("step-") }.count
        var parts: [String] = []
        if fm.fileExists(atPath: configFile.path) { parts.append("config.yaml") }
        if checkpoints > 0 { parts.append("\(checkpoints) checkpoint\(checkpoints == 1 ? "" : "s")") }
        if ((try? fm.attributesOfItem(atPath: metricsFile.path)[.size] as? Int) ?? 0) > 0 { parts.append("metrics.jsonl") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    /// Renames the directory to "<dir>.replaced-<timestamp>" (keeping the earlier run) and returns the new place.
    public func moveAside(now: Date = Date()) throws -> URL {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        let aside = URL(fileURLWithPath: url.path + ".replaced-" + formatter.string(from: now))
        do {
            try FileManager.default.moveItem(at: url, to: aside)
        } catch {
            throw CheckpointError.writeFailed(path: aside.path, reason: CheckpointStore.reason(error))
        }
        return aside
    }

    /// Creates the directory tree and checks it can be written, before any training starts.
    public func prepare() throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: samplesDirectory, withIntermediateDirectories: true)
            try fm.createDirectory(at: checkpoints.root, withIntermediateDirectories: true)
        } catch {
            throw CheckpointError.writeFailed(path: url.path, reason: CheckpointStore.reason(error))
        }
        let probe = url.appendingPathComponent(".write-test-\(ProcessInfo.processInfo.processIdentifier)")
        guard fm.createFile(atPath: probe.path, contents: Data("ok".utf8)) else {
            throw CheckpointError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
        }
        try? fm.removeItem(at: probe)
    }

    /// Writes config.yaml (replacing an earlier one: a resumed run records what it ran with).
    public func writeConfig(_ yaml: String) throws {
        do {
            try Data(yaml.utf8).write(to: configFile, options: .atomic)
        } catch {
            throw CheckpointError.writeFailed(path: configFile.path, reason: CheckpointStore.reason(error))
        }
    }
}

/// Appends one JSON object per line to metrics.jsonl.
public final class MetricsLog {
    private let handle: FileHandle
    public let url: URL

    public init(url: URL) throws {
        self.url = url
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw CheckpointError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
            }
        }
        do {
            handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
        } catch {
            throw CheckpointError.writeFailed(path: url.path, reason: CheckpointStore.reason(error))
        }
    }

    public func append(_ line: JSONLine) throws {
        do {
            try handle.write(contentsOf: Data((line.text + "\n").utf8))
        } catch {
            throw CheckpointError.writeFailed(path: url.path, reason: CheckpointStore.reason(error))
        }
    }

    deinit {
        try? handle.close()
    }
}
