import Foundation

/// Writes whole files through a temporary file and a rename, so a reader never sees half of one.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to url: URL) throws(FileWriteError) {
        do {
            try Foundation.Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw FileWriteError(path: url.relativePath, reason: error.localizedDescription)
        }
    }
}

/// A file that could not be written, naming it and why.
public struct FileWriteError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String

    public var description: String { "\(path): cannot be written: \(reason)" }
}
