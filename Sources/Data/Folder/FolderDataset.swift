import Autograd
import Foundation

/// A folder of the user's own PNG and JPEG images (searched recursively), each
/// center-cropped to a square and resized by area averaging to resolution ×
/// resolution, in grayscale or RGB. Samples are [C, side, side], in the order of the
/// files' relative paths; files that cannot be decoded are skipped. Decoded samples
/// are cached (see `FolderCache`), so only the first run decodes.
public final class FolderDataset: ImageDataset {
    public let name: String
    public let pixelRange: PixelRange
    /// Image files carry no labels.
    public var labels: [Int]? { nil }
    /// What the samples were made from (file names, skipped files).
    public let manifest: FolderManifest
    private let store: SampleStore

    public var count: Int? { store.count }
    public var sampleShape: [Int] { store.sampleShape }

    public init(images: FolderImages, name: String, pixelRange: PixelRange) {
        self.name = name
        self.pixelRange = pixelRange
        manifest = images.manifest
        store = SampleStore(bytes: images.pixels, sampleShape: images.sampleShape, pixelRange: pixelRange)
    }

    public func batch(at indices: [Int]) -> Tensor {
        store.batch(at: indices)
    }

    /// Loads `directory` in this process alone: from the cache under `cacheRoot` when it
    /// is current, otherwise by decoding every file and writing the cache. `say` gets the
    /// warning for each skipped file and progress lines.
    public static func load(
        directory: URL, resolution: Int, channels: Int?, cacheRoot: URL, pixelRange: PixelRange, say: (String) -> Void = { _ in }
    ) throws -> FolderDataset {
        let entries = try FolderEntry.scan(directory)
        let cache = FolderCache(root: cacheRoot, folder: directory, resolution: resolution, requestedChannels: channels)
        let name = directory.standardizedFileURL.lastPathComponent
        if let cached = cache.load(matching: entries, resolution: resolution, requestedChannels: channels) {
            return FolderDataset(images: cached, name: name, pixelRange: pixelRange)
        }
        let source = FolderSource(directory: directory, entries: entries, resolution: resolution, requestedChannels: channels)
        let part = source.decode(shard: 0, of: 1)
        for line in warnings(part, entries: entries, directory: directory) { say(line) }
        let images = try source.assemble([part])
        try cache.write(images)
        return FolderDataset(images: images, name: name, pixelRange: pixelRange)
    }

    /// One warning line per file of `part` that failed to decode.
    public static func warnings(_ part: FolderPart, entries: [FolderEntry], directory: URL) -> [String] {
        part.files.compactMap { index, outcome in
            guard case .failed(let reason) = outcome else { return nil }
            return "warning: skipping \(directory.appendingPathComponent(entries[index].path).relativePath): \(reason)"
        }
    }
}
