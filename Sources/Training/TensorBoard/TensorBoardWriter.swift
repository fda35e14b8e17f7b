import Formats
import Plot
import Data
import Foundation

/// Writes scalars and images to a TensorBoard event file
/// (`events.out.tfevents.<unix seconds>.<hostname>` in `directory`), so
/// `tensorboard --logdir` can show a run without TensorFlow installed. Records
/// are buffered in memory and appended on `flush()`, when the buffer passes
/// `flushThreshold`, and when the writer goes away.
public final class TensorBoardWriter {
    /// How TensorBoard's Image message numbers an image's channels.
    public enum Colorspace: Int, Sendable {
        case gray = 1
        case rgb = 3
    }

    /// The event file written.
    public let file: URL
    /// Buffered bytes beyond this many are written out at once.
    public var flushThreshold = 1 << 20

    private let handle: FileHandle
    private var pending: [UInt8] = []

    /// Creates `directory` if needed and a new event file in it holding the file-version record.
    /// An existing file of the same name is kept: the new one gets a ".1", ".2", ... suffix.
    public init(directory: URL, now: Date = Date(), hostname: String = ProcessInfo.processInfo.hostName) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TensorBoardError.cannotCreate(path: directory.path, reason: Self.reason(error))
        }
        let host = hostname.isEmpty ? "localhost" : hostname.replacingOccurrences(of: "/", with: "_")
        let base = "events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(host)"
        var candidate = directory.appendingPathComponent(base)
        var suffix = 0
        while fm.fileExists(atPath: candidate.path) {
            suffix += 1
            candidate = directory.appendingPathComponent("\(base).\(suffix)")
        }
        file = candidate
        guard fm.createFile(atPath: file.path, contents: nil) else {
            throw TensorBoardError.cannotCreate(path: file.path, reason: String(cString: strerror(errno)))
        }
        do {
            handle = try FileHandle(forWritingTo: file)
        } catch {
            throw TensorBoardError.cannotCreate(path: file.path, reason: Self.reason(error))
        }
        pending = TFRecord.frame(TensorBoardEvent.fileVersion(wallTime: now.timeIntervalSince1970))
        try flush()
    }

    /// Records `value` (stored as a 32-bit float) under `tag` at `step`.
    public func addScalar(tag: String, value: Double, step: Int, wallTime: Date = Date()) throws {
        try append(TensorBoardEvent.scalar(tag: tag, value: Float(value), step: step, wallTime: wallTime.timeIntervalSince1970))
    }

    /// Records an encoded PNG image of `width` × `height` pixels under `tag` at `step`.
    public func addImage(
        tag: String, png: [UInt8], width: Int, height: Int, colorspace: Colorspace = .rgb, step: Int, wallTime: Date = Date()
    ) throws {
        try append(TensorBoardEvent.image(
            tag: tag, png: png, width: width, height: height, colorspace: colorspace.rawValue, step: step, wallTime: wallTime.timeIntervalSince1970))
    }

    /// Records an image under `tag` at `step`, taking its size and colours from the encoder.
    public func addImage(tag: String, image: PNGEncoder, step: Int, wallTime: Date = Date()) throws {
        try addImage(
            tag: tag, png: image.encoded(), width: image.width, height: image.height,
            colorspace: image.colorType == .gray ? .gray : .rgb, step: step, wallTime: wallTime)
    }

    /// Appends every buffered record to the file.
    public func flush() throws {
        guard !pending.isEmpty else { return }
        do {
            try handle.write(contentsOf: Data(pending))
        } catch {
            throw TensorBoardError.writeFailed(path: file.path, reason: Self.reason(error))
        }
        pending.removeAll(keepingCapacity: true)
    }

    deinit {
        try? flush()
        try? handle.close()
    }

    private func append(_ event: [UInt8]) throws {
        pending += TFRecord.frame(event)
        if pending.count >= flushThreshold { try flush() }
    }

    private static func reason(_ error: Error) -> String {
        CheckpointStore.reason(error)
    }
}
