import Foundation

/// A folder of PNG and JPEG files to be made into square training images: decoding
/// can be split across ranks (`decode(shard:of:)`), and the parts are put together by
/// `assemble`, which also decides the channels and applies the bad-file policy.
public struct FolderSource: Sendable {
    public let directory: URL
    /// The folder's image files, as `FolderEntry.scan` lists them.
    public let entries: [FolderEntry]
    /// Side of the square samples in pixels.
    public let resolution: Int
    /// 1 or 3, or nil for the channels most files have.
    public let requestedChannels: Int?

    public init(directory: URL, entries: [FolderEntry], resolution: Int, requestedChannels: Int?) {
        self.directory = directory
        self.entries = entries
        self.resolution = resolution
        self.requestedChannels = requestedChannels
    }

    /// The files `shard` of `count` decodes among `files` (a contiguous run, sizes
    /// differing by at most one, as the sampler splits a batch).
    public static func share(of files: Range<Int>, shard: Int, count: Int) -> Range<Int> {
        let shares = ShardedSampler.shard(batchSize: files.count, rank: shard, worldSize: count)
        return (files.lowerBound + shares.lowerBound)..<(files.lowerBound + shares.upperBound)
    }

    /// Decodes this shard's share of `files` (all files by default): each to its square
    /// sample, or to the reason it failed.
    public func decode(shard: Int, of count: Int, files: Range<Int>? = nil) -> FolderPart {
        let mine = Self.share(of: files ?? entries.indices, shard: shard, count: count)
        return FolderPart(files: mine.map { ($0, decodeFile($0)) })
    }

    private func decodeFile(_ index: Int) -> FolderPart.Outcome {
        let url = directory.appendingPathComponent(entries[index].path)
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Foundation.Data(contentsOf: url))
        } catch {
            return .failed(reason: "cannot be read: \(error.localizedDescription)")
        }
        do {
            let image = try DecodedImage.decode(bytes)
            return .image(channels: image.channels, planes: SquareResampling.centerCropResized(image, side: resolution))
        } catch {
            return .failed(reason: error.reason)
        }
    }

    /// Puts every file's outcome together in listing order. Throws when the folder holds
    /// no image file, or when more than half of its files failed.
    public func assemble(_ parts: [FolderPart]) throws -> FolderImages {
        let path = directory.relativePath
        guard !entries.isEmpty else { throw DataError.empty(path: path, what: "PNG or JPEG files (searched recursively)") }
        var outcomes = [FolderPart.Outcome?](repeating: nil, count: entries.count)
        for part in parts {
            for (index, outcome) in part.files { outcomes[index] = outcome }
        }
        var images: [(path: String, channels: Int, planes: [UInt8])] = []
        var skipped: [FolderManifest.Skipped] = []
        for (entry, outcome) in zip(entries, outcomes) {
            switch outcome {
            case let .image(channels, planes)?: images.append((entry.path, channels, planes))
            case let .failed(reason)?: skipped.append(.init(path: entry.path, reason: reason))
            case nil: skipped.append(.init(path: entry.path, reason: "was not decoded by any rank"))
            }
        }
        guard !images.isEmpty, skipped.count * 2 <= entries.count else {
            throw DataError.mostlyUndecodable(
                path: path, failed: skipped.count, total: entries.count,
                example: skipped.first.map { "\($0.path): \($0.reason)" } ?? "")
        }
        let gray = images.filter { $0.channels == 1 }.count
        // Ties go to RGB, which loses nothing.
        let channels = requestedChannels ?? (gray * 2 > images.count ? 1 : 3)
        var pixels: [UInt8] = []
        pixels.reserveCapacity(images.count * channels * resolution * resolution)
        for image in images { pixels += ChannelConversion.convert(image.planes, from: image.channels, to: channels) }
        let manifest = FolderManifest(
            resolution: resolution, requestedChannels: requestedChannels, channels: channels, files: entries,
            images: images.map(\.path), skipped: skipped)
        return FolderImages(manifest: manifest, pixels: pixels)
    }
}

/// A folder's samples as bytes, [N, C, side, side], with the manifest that describes them.
public struct FolderImages: Sendable, Equatable {
    public let manifest: FolderManifest
    public let pixels: [UInt8]

    public var count: Int { manifest.images.count }
    public var sampleShape: [Int] { [manifest.channels, manifest.resolution, manifest.resolution] }
}
