import Formats
import Foundation

/// Reads whole data files, telling a missing file from an unreadable one, and
/// inflating gzip files (recognised by their magic bytes, whatever their name).
enum FileBytes {
    /// The contents of `url`, decompressed when gzip'd. `expected` describes the
    /// file for the missing-file message ("MNIST images in IDX format").
    static func read(_ url: URL, expected: String) throws -> [UInt8] {
        let path = url.relativePath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DataError.missingFile(path: path, expected: expected)
        }
        guard !isDirectory.boolValue else {
            throw DataError.ioFailed(path: path, reason: "is a directory, expected a file (\(expected))")
        }
        let raw: [UInt8]
        do {
            raw = [UInt8](try Foundation.Data(contentsOf: url))
        } catch {
            throw DataError.ioFailed(path: path, reason: "cannot be read: \(error.localizedDescription)")
        }
        guard Gzip.isCompressed(raw) else { return raw }
        do {
            return try Gzip.decompress(raw)
        } catch {
            throw DataError.badGzip(path: path, reason: error.reason)
        }
    }

    /// Writes `bytes` to `url` through a temporary file and a rename, so readers never see half a file.
    static func write(_ bytes: [UInt8], to url: URL) throws {
        do {
            try AtomicFile.write(bytes, to: url)
        } catch {
            throw DataError.ioFailed(path: error.path, reason: "cannot be written: \(error.reason)")
        }
    }

    /// Checks that `url` is an existing directory.
    static func requireDirectory(_ url: URL, expected: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError.missingDirectory(path: url.relativePath, expected: expected)
        }
    }
}
