/// What a folder cache holds and what it was made from: the settings, every file of
/// the folder at the time (path, size, modification time), which of them became
/// samples and which were skipped and why.
public struct FolderManifest: Codable, Sendable, Equatable {
    /// Changes when the cache's layout or the decoding changes, so old caches are rebuilt.
    public static let currentFormat = 1

    public struct Skipped: Codable, Sendable, Equatable {
        public let path: String
        public let reason: String
    }

    public var format = FolderManifest.currentFormat
    public let resolution: Int
    /// The channels asked for (nil: those of most files).
    public let requestedChannels: Int?
    /// The channels of the cached samples.
    public let channels: Int
    /// Every PNG and JPEG file of the folder when the cache was made.
    public let files: [FolderEntry]
    /// The relative path of each sample, in sample order.
    public let images: [String]
    public let skipped: [Skipped]

    /// True when this manifest describes `files` decoded with these settings.
    public func matches(files current: [FolderEntry], resolution: Int, requestedChannels: Int?) -> Bool {
        format == Self.currentFormat && self.resolution == resolution && self.requestedChannels == requestedChannels
            && files == current
    }
}
