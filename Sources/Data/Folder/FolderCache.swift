import Foundation

/// Where a folder's decoded samples are kept between runs: a directory per folder and
/// settings, holding `images.npy` (uint8, [N, C, side, side]) and `manifest.json`.
/// Both are written through a temporary file and a rename, images first, so a reader
/// that sees a manifest sees its images; a manifest that does not describe the folder
/// as it is now (a file added, removed, resized or touched) or images of another shape
/// make the cache stale, and it is built again.
public struct FolderCache: Sendable {
    public let location: URL

    /// The cache of `folder` with these settings, under `root`.
    public init(root: URL, folder: URL, resolution: Int, requestedChannels: Int?) {
        let absolute = folder.standardizedFileURL.path
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in absolute.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let name = folder.standardizedFileURL.lastPathComponent
        let channels = requestedChannels.map { $0 == 1 ? "gray" : "rgb" } ?? "auto"
        location = root.appendingPathComponent("\(name)-\(String(hash, radix: 16))-\(resolution)px-\(channels)")
    }

    /// The default root: a `.tandem-cache` directory beside the folder, on the same file
    /// system (so every host that sees the folder sees its cache).
    public static func defaultRoot(for folder: URL) -> URL {
        folder.standardizedFileURL.deletingLastPathComponent().appendingPathComponent(".tandem-cache")
    }

    public var manifestFile: URL { location.appendingPathComponent("manifest.json") }
    public var imagesFile: URL { location.appendingPathComponent("images.npy") }

    /// The cached samples, if the cache describes `files` with these settings; nil when
    /// it is missing, unreadable or stale.
    public func load(matching files: [FolderEntry], resolution: Int, requestedChannels: Int?) -> FolderImages? {
        guard let data = try? Foundation.Data(contentsOf: manifestFile),
            let manifest = try? JSONDecoder().decode(FolderManifest.self, from: data),
            manifest.matches(files: files, resolution: resolution, requestedChannels: requestedChannels),
            let contents = try? NpyFile.readContents(imagesFile), contents.dtype == .uint8,
            contents.shape == [manifest.images.count, manifest.channels, resolution, resolution]
        else { return nil }
        return FolderImages(manifest: manifest, pixels: contents.data)
    }

    /// Writes `images` (images first, then the manifest).
    public func write(_ images: FolderImages) throws {
        do {
            try FileManager.default.createDirectory(at: location, withIntermediateDirectories: true)
        } catch {
            throw DataError.ioFailed(
                path: location.relativePath, reason: "cannot create the cache directory (set data.cache_dir): \(error.localizedDescription)")
        }
        try FileBytes.write(NpyFile.encode(shape: [images.count] + images.sampleShape, bytes: images.pixels), to: imagesFile)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let manifest: Foundation.Data
        do {
            manifest = try encoder.encode(images.manifest)
        } catch {
            throw DataError.ioFailed(path: manifestFile.relativePath, reason: "cannot be encoded: \(error)")
        }
        try FileBytes.write([UInt8](manifest), to: manifestFile)
    }
}
