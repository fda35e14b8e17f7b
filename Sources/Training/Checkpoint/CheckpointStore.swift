import Formats
import Autograd
import Foundation

/// Everything a checkpoint holds: files of named tensors, and state.json.
public struct CheckpointContents {
    /// File name ("generator.safetensors") and its tensors, in writing order.
    public var files: [(name: String, tensors: NamedTensors)]
    public var state: TrainingState

    public init(files: [(name: String, tensors: NamedTensors)], state: TrainingState) {
        self.files = files
        self.state = state
    }
}

/// A checkpoint read back and verified: tensors by name, per file.
public struct LoadedCheckpoint {
    public let directory: URL
    /// File name → tensor name → tensor, for every file state.json lists.
    public let files: [String: [String: Tensor]]
    public let state: TrainingState

    /// The tensors of `file`, or an error naming the file the checkpoint lacks.
    public func tensors(_ file: String) throws -> [String: Tensor] {
        guard let tensors = files[file] else { throw CheckpointError.missing(path: directory.appendingPathComponent(file).path) }
        return tensors
    }
}

/// Writes and finds checkpoints under `<run dir>/checkpoints`:
/// `step-NNNNNNN/` holding one safetensors file per network (`generator`, `critic`, ...),
/// `<network>_ema` for moving averages, `optimizers`, `method` when the method keeps
/// state of its own, and `state.json`, plus a `latest` file naming the newest complete one. A checkpoint
/// is written into a temporary directory, flushed to disk, then renamed, so a
/// reader never sees half of one; a failed write leaves the previous ones intact.
public struct CheckpointStore {
    public let root: URL
    let fileSystem: any CheckpointFileSystem

    public init(runDirectory: URL, fileSystem: any CheckpointFileSystem = POSIXCheckpointFileSystem()) {
        root = runDirectory.appendingPathComponent("checkpoints")
        self.fileSystem = fileSystem
    }

    public static func directoryName(step: Int) -> String {
        "step-" + String(repeating: "0", count: max(0, 7 - String(step).count)) + String(step)
    }

    /// Writes a checkpoint atomically and returns its directory. Keeps the newest
    /// `keep` checkpoints when `keep` > 0.
    @discardableResult
    public func write(_ contents: CheckpointContents, keep: Int = 0) throws -> URL {
        let name = Self.directoryName(step: contents.state.step)
        let final = root.appendingPathComponent(name)
        let temporary = root.appendingPathComponent(".tmp-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try fileSystem.createDirectory(at: root)
            try recoverInterruptedWrites()
            try fileSystem.createDirectory(at: temporary)
            try writeFiles(contents, into: temporary)
            try fileSystem.syncDirectory(temporary)
            try publish(temporary, as: final)
            try fileSystem.writeDurably(Data((name + "\n").utf8), to: root.appendingPathComponent(".latest.tmp"))
            try fileSystem.rename(root.appendingPathComponent(".latest.tmp"), to: root.appendingPathComponent("latest"))
            try fileSystem.syncDirectory(root)
        } catch CheckpointError.writeFailed(let path, let reason) {
            try? fileSystem.removeTree(at: temporary)
            try? fileSystem.removeTree(at: root.appendingPathComponent(".latest.tmp"))
            // Name the checkpoint the user knows, not the temporary directory it was being written in.
            let shown = path == root.path ? final.path : path.replacingOccurrences(of: temporary.path, with: final.path)
            throw CheckpointError.writeFailed(path: shown, reason: reason + "; the previous checkpoint is intact")
        } catch {
            try? fileSystem.removeTree(at: temporary)
            throw CheckpointError.writeFailed(path: final.path, reason: Self.reason(error) + "; the previous checkpoint is intact")
        }
        if keep > 0 { prune(keeping: keep, written: name) }
        return final
    }

    /// The safetensors files and state.json (with their checksums), each flushed to disk.
    private func writeFiles(_ contents: CheckpointContents, into directory: URL) throws {
        var state = contents.state
        for (file, tensors) in contents.files {
            let data = SafeTensors.encode(tensors, metadata: ["format": "pt", "step": String(state.step)])
            try fileSystem.writeDurably(data, to: directory.appendingPathComponent(file))
            state.files[file] = SHA256.hex(of: data)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try fileSystem.writeDurably(try encoder.encode(state), to: directory.appendingPathComponent("state.json"))
    }

    /// Puts the complete, flushed checkpoint in `temporary` in place as `final`. A checkpoint
    /// already there (the same step written again) is renamed aside first and deleted only
    /// once the new one is durably in place; `candidates()` finds it under its aside name
    /// should the process die between the two renames.
    private func publish(_ temporary: URL, as final: URL) throws {
        let aside = root.appendingPathComponent(Self.asidePrefix + final.lastPathComponent)
        let replacing = fileSystem.exists(final)
        if replacing { try fileSystem.rename(final, to: aside) }
        try fileSystem.rename(temporary, to: final)
        try fileSystem.syncDirectory(root)
        if replacing { try? fileSystem.removeTree(at: aside) }
    }

    /// Name prefix of a checkpoint set aside while the same step is written again.
    static let asidePrefix = ".replaced-"

    /// Clears what a write that died left behind: temporary directories are removed; a
    /// checkpoint set aside goes back into place if its replacement never arrived, and
    /// is removed if it did.
    private func recoverInterruptedWrites() throws {
        for entry in fileSystem.entries(of: root) {
            let url = root.appendingPathComponent(entry)
            if entry.hasPrefix(".tmp-") {
                try fileSystem.removeTree(at: url)
            } else if entry.hasPrefix(Self.asidePrefix) {
                let original = root.appendingPathComponent(String(entry.dropFirst(Self.asidePrefix.count)))
                if fileSystem.exists(original) { try fileSystem.removeTree(at: url) } else { try fileSystem.rename(url, to: original) }
            }
        }
    }

    /// Checkpoint directories, newest first: the one `latest` names, then the rest by step.
    /// A checkpoint set aside by a rewrite that died before its replacement arrived
    /// stands in for its step.
    public func candidates() -> [URL] {
        let entries = fileSystem.entries(of: root)
        let names = entries.filter { $0.hasPrefix("step-") }
        let setAside = entries.filter { $0.hasPrefix(Self.asidePrefix) && !names.contains(String($0.dropFirst(Self.asidePrefix.count))) }
        let steps = (names + setAside).sorted { Self.newerFirst(Self.stepName($0), Self.stepName($1)) }
        var ordered: [String] = []
        if let latest = try? String(contentsOf: root.appendingPathComponent("latest"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), names.contains(latest)
        {
            ordered.append(latest)
        }
        ordered += steps.filter { !ordered.contains($0) }
        return ordered.map { root.appendingPathComponent($0) }
    }

    /// "step-N" of a checkpoint directory's name, set aside or not.
    private static func stepName(_ entry: String) -> String {
        entry.hasPrefix(asidePrefix) ? String(entry.dropFirst(asidePrefix.count)) : entry
    }

    /// The newest checkpoint that verifies, and a warning line for each newer one that did not.
    /// nil when there is no checkpoint at all.
    public func newestValid() throws -> (checkpoint: LoadedCheckpoint, warnings: [String])? {
        let all = candidates()
        guard !all.isEmpty else { return nil }
        var warnings: [String] = []
        var reasons: [String] = []
        for directory in all {
            do {
                let checkpoint = try load(directory)
                return (checkpoint, warnings.map { $0 + "; resuming from \(directory.path)" })
            } catch {
                warnings.append("warning: skipping checkpoint \(directory.path): \(error)")
                reasons.append("\(directory.lastPathComponent): \(error)")
            }
        }
        throw CheckpointError.noValidCheckpoint(runDirectory: root.deletingLastPathComponent().path, reasons: reasons)
    }

    /// Orders checkpoint names by step, newest first: "step-10000000" is newer than "step-9999999".
    static func newerFirst(_ a: String, _ b: String) -> Bool {
        (a.count, a) > (b.count, b)
    }

    /// The checkpoint of generator step `step`.
    public func checkpoint(step: Int) -> URL {
        root.appendingPathComponent(Self.directoryName(step: step))
    }

    /// Keeps `keep` checkpoints: the one just `written` (whatever older run left higher
    /// steps beside it) and the newest `keep` − 1 of the others.
    private func prune(keeping keep: Int, written: String) {
        let others = fileSystem.entries(of: root).filter { $0.hasPrefix("step-") && $0 != written }.sorted(by: Self.newerFirst)
        for name in others.dropFirst(keep - 1) { try? fileSystem.removeTree(at: root.appendingPathComponent(name)) }
    }

    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
}
