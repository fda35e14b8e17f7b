import Foundation

/// One image file of a folder dataset as the manifest records it: its path relative
/// to the folder, its size and its modification time. A cache is current while every
/// file's entry is unchanged and no file came or went.
public struct FolderEntry: Codable, Sendable, Equatable {
    public let path: String
    public let size: Int
    /// Seconds since 1970, with the file system's sub-second precision.
    public let modified: Double

    /// File names a folder dataset reads (compared without case); other files are ignored.
    public static let extensions: Set<String> = ["png", "jpg", "jpeg"]

    /// The PNG and JPEG files under `directory`, recursively, sorted by relative path.
    /// Hidden files and folders (names starting with ".") are skipped; an entry that is
    /// not a folder but cannot be examined (a broken link) is listed, so decoding it
    /// fails with a warning rather than silently.
    public static func scan(_ directory: URL) throws -> [FolderEntry] {
        try FileBytes.requireDirectory(directory, expected: "a folder of PNG and JPEG images")
        let keys: [URLResourceKey] = [.isDirectoryKey, .fileSizeKey, .contentModificationDateKey]
        guard let walk = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles]) else {
            throw DataError.ioFailed(path: directory.relativePath, reason: "cannot be listed")
        }
        let base = directory.standardizedFileURL.path
        var entries: [FolderEntry] = []
        for case let url as URL in walk where extensions.contains(url.pathExtension.lowercased()) {
            let values = try? url.resourceValues(forKeys: Set(keys))
            guard values?.isDirectory != true else { continue }
            let full = url.standardizedFileURL.path
            let relative = full.hasPrefix(base + "/") ? String(full.dropFirst(base.count + 1)) : url.lastPathComponent
            entries.append(
                FolderEntry(
                    path: relative, size: values?.fileSize ?? 0,
                    modified: values?.contentModificationDate?.timeIntervalSince1970 ?? 0))
        }
        return entries.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }
}
