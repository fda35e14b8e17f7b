import Data
import Foundation
import MPI

/// Loads a folder dataset on every rank. Rank 0 lists the folder and every rank uses its
/// listing. When every rank finds a current cache, each reads it. Otherwise the ranks
/// decode the files together, in rounds: each decodes its share of a round, and the
/// parts are exchanged with allgatherv, so every rank ends with every image (whatever
/// file system the ranks share); then the first rank on each host whose cache was stale
/// writes it. Failures are agreed, so every rank stops with the same one line.
struct FolderDatasetLoader {
    let config: TrainingConfiguration
    let directory: URL
    let comm: any Communicator
    let say: (String) -> Void

    /// Files each rank decodes per round (a progress line follows each round of a large folder).
    static let filesPerRankAndRound = 256

    func load() throws -> FolderDataset {
        let (resolution, channels) = (config.dataResolution, config.dataChannels)
        let root = config.cacheDirectory.map { URL(fileURLWithPath: $0) } ?? FolderCache.defaultRoot(for: directory)
        let cache = FolderCache(root: root, folder: directory, resolution: resolution, requestedChannels: channels)
        let entries = try sharedListing()
        let name = directory.standardizedFileURL.lastPathComponent
        let cached = cache.load(matching: entries, resolution: resolution, requestedChannels: channels)
        if try !comm.any(cached == nil), let cached {
            return FolderDataset(images: cached, name: name, pixelRange: .unit)
        }
        let source = FolderSource(directory: directory, entries: entries, resolution: resolution, requestedChannels: channels)
        let images = try decodeTogether(source, cache: cache)
        try comm.agree {
            if cached == nil && comm.localRank == 0 { try cache.write(images) }
        }
        return FolderDataset(images: images, name: name, pixelRange: .unit)
    }

    /// Rank 0's listing of the folder, on every rank.
    private func sharedListing() throws -> [FolderEntry] {
        let encoded = try comm.agree { comm.rank == 0 ? [UInt8](try JSONEncoder().encode(try FolderEntry.scan(directory))) : [] }
        let shared = try comm.broadcastBytes(encoded, root: 0)
        return try comm.agree {
            do {
                return try JSONDecoder().decode([FolderEntry].self, from: Foundation.Data(shared))
            } catch {
                throw DataError.ioFailed(path: directory.relativePath, reason: "the folder's listing from rank 0 could not be read: \(error)")
            }
        }
    }

    private func decodeTogether(_ source: FolderSource, cache: FolderCache) throws -> FolderImages {
        let total = source.entries.count
        if total > 0 {
            say("decoding \(total) image files in \(directory.relativePath) on \(comm.size) rank\(comm.size == 1 ? "" : "s") (once: cached in \(cache.location.relativePath))")
        }
        let round = Self.filesPerRankAndRound * comm.size
        var parts: [FolderPart] = []
        for start in stride(from: 0, to: total, by: round) {
            let files = start..<min(start + round, total)
            let mine = source.decode(shard: comm.rank, of: comm.size, files: files)
            let received = try comm.allgatherv(mine.encoded()).map { FolderPart(encoded: $0, side: source.resolution) }
            for part in received {
                FolderDataset.warnings(part, entries: source.entries, directory: directory).forEach(say)
            }
            parts += received
            if total > round { say("decoded \(files.upperBound) of \(total) image files") }
        }
        return try comm.agree { try source.assemble(parts) }
    }
}
