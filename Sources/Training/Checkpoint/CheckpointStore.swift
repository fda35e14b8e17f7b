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

    public init(runDirectory: URL) {
        root = runDirectory.appendingPathComponent("checkpoints")
    }

    public static func directoryName(step: Int) -> String {
        "step-" + String(repeating: "0", count: max(0, 7 - String(step).count)) + String(step)
    }

    /// Writes a checkpoint atomically and returns its directory. Keeps the newest
    /// `keep` checkpoints when `keep` > 0.
    @discardableResult
    public func write(_ contents: CheckpointContents, keep: Int = 0) throws -> URL {
        let fm = FileManager.default
        let name = Self.directoryName(step: contents.state.step)
        let final = root.appendingPathComponent(name)
        let temporary = root.appendingPathComponent(".tmp-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try fm.createDirectory(at: root, withIntermediateDirectories: true)
            try? fm.removeItem(at: temporary)
            try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
            var state = contents.state
            for (file, tensors) in contents.files {
                let data = SafeTensors.encode(tensors, metadata: ["format": "pt", "step": String(state.step)])
                try writeDurably(data, to: temporary.appendingPathComponent(file))
                state.files[file] = SHA256.hex(of: data)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try writeDurably(try encoder.encode(state), to: temporary.appendingPathComponent("state.json"))
            if fm.fileExists(atPath: final.path) { try fm.removeItem(at: final) }
            try fm.moveItem(at: temporary, to: final)
            try writeDurably(Data((name + "\n").utf8), to: root.appendingPathComponent(".latest.tmp"))
            if rename(root.appendingPathComponent(".latest.tmp").path, root.appendingPathComponent("latest").path) != 0 {
                try? fm.removeItem(at: root.appendingPathComponent(".latest.tmp"))
                throw CheckpointError.writeFailed(path: root.appendingPathComponent("latest").path, reason: String(cString: strerror(errno)))
            }
            syncDirectory(root)
        } catch CheckpointError.writeFailed(let path, let reason) {
            try? fm.removeItem(at: temporary)
            // Name the checkpoint the user knows, not the temporary directory it was being written in.
            let shown = path.replacingOccurrences(of: temporary.path, with: final.path)
            throw CheckpointError.writeFailed(path: shown, reason: reason + "; the previous checkpoint is intact")
        } catch let error as CheckpointError {
            try? fm.removeItem(at: temporary)
            throw error
        } catch {
            try? fm.removeItem(at: temporary)
            throw CheckpointError.writeFailed(path: final.path, reason: Self.reason(error) + "; the previous checkpoint is intact")
        }
        if keep > 0 { prune(keeping: keep) }
        return final
    }

    /// Checkpoint directories, newest first: the one `latest` names, then the rest by step.
    public func candidates() -> [URL] {
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).filter { $0.hasPrefix("step-") }.sorted(by: Self.newerFirst)
        var ordered: [String] = []
        if let latest = try? String(contentsOf: root.appendingPathComponent("latest"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines), names.contains(latest)
        {
            ordered.append(latest)
        }
        ordered += names.filter { !ordered.contains($0) }
        return ordered.map { root.appendingPathComponent($0) }
    }

    /// Reads and verifies one checkpoint directory.
    public func load(_ directory: URL) throws -> LoadedCheckpoint {
        let statePath = directory.appendingPathComponent("state.json")
        guard let stateData = FileManager.default.contents(atPath: statePath.path) else {
            throw CheckpointError.missing(path: statePath.path)
        }
        let state: TrainingState
        do {
            state = try JSONDecoder().decode(TrainingState.self, from: stateData)
        } catch {
            throw CheckpointError.corruptFile(path: statePath.path, reason: "not a valid state.json")
        }
        guard state.format == TrainingState.currentFormat else {
            throw CheckpointError.corruptFile(path: statePath.path, reason: "format '\(state.format)', expected '\(TrainingState.currentFormat)'")
        }
        let present = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        if let unlisted = present.filter({ $0.hasSuffix(".safetensors") && state.files[$0] == nil }).sorted().first {
            throw CheckpointError.corruptFile(path: statePath.path, reason: "no checksum for \(unlisted)")
        }
        var files: [String: [String: Tensor]] = [:]
        for (file, expected) in state.files.sorted(by: { $0.key < $1.key }) {
            let path = directory.appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path.path) else { throw CheckpointError.missing(path: path.path) }
            let found = SHA256.hex(of: data)
            guard found == expected else { throw CheckpointError.checksumMismatch(path: path.path, expected: expected, found: found) }
            files[file] = NamedTensors(try SafeTensors.decode(data, file: path.path).entries.map { (name: $0.name, tensor: Tensor(shape: $0.shape, scalars: $0.values)) }).dictionary
        }
        return LoadedCheckpoint(directory: directory, files: files, state: state)
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

    private func prune(keeping keep: Int) {
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).filter { $0.hasPrefix("step-") }.sorted(by: Self.newerFirst)
        for name in names.dropFirst(keep) { try? fm.removeItem(at: root.appendingPathComponent(name)) }
    }

    /// Writes `data` and flushes it to the disk before returning.
    private func writeDurably(_ data: Data, to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CheckpointError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            throw CheckpointError.writeFailed(path: url.path, reason: Self.reason(error))
        }
    }

    private func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
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
