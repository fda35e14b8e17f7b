import Foundation

/// The file-system calls a checkpoint write is made of. `CheckpointStore` goes through
/// this seam so a test can record their order and stop the write after any one of them,
/// as a crash would, then check what a later run finds on disk.
public protocol CheckpointFileSystem: Sendable {
    /// Creates a directory and its missing parents.
    func createDirectory(at url: URL) throws
    /// Creates (or truncates) a file, writes `data` and flushes it to the disk.
    func writeDurably(_ data: Data, to url: URL) throws
    /// Flushes a directory's entries (names created, renamed or removed in it) to the disk.
    func syncDirectory(_ url: URL) throws
    /// rename(2): atomic; replaces a file at `destination`, fails on a non-empty directory there.
    func rename(_ source: URL, to destination: URL) throws
    /// Removes a file or a directory tree.
    func removeTree(at url: URL) throws
    func exists(_ url: URL) -> Bool
    /// Entry names in a directory (none when it cannot be listed).
    func entries(of directory: URL) -> [String]
}

/// The real file system (POSIX calls). Failures are `CheckpointError.writeFailed`
/// naming the file and the system's reason.
public struct POSIXCheckpointFileSystem: CheckpointFileSystem {
    public init() {}

    public func createDirectory(at url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw CheckpointError.writeFailed(path: url.path, reason: CheckpointStore.reason(error))
        }
    }

    public func writeDurably(_ data: Data, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(url) }
        defer { close(fd) }
        var written = 0
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            while written < bytes.count {
                let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw failure(url) }
                written += n
            }
        }
        guard fsync(fd) == 0 else { throw failure(url) }
    }

    public func syncDirectory(_ url: URL) throws {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(url) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure(url) }
    }

    public func rename(_ source: URL, to destination: URL) throws {
        guard Glibc.rename(source.path, destination.path) == 0 else { throw failure(destination) }
    }

    public func removeTree(at url: URL) throws {
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            throw CheckpointError.writeFailed(path: url.path, reason: CheckpointStore.reason(error))
        }
    }

    public func exists(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.path)
    }

    public func entries(of directory: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    }

    /// The current errno as a write failure of `url`.
    private func failure(_ url: URL) -> CheckpointError {
        .writeFailed(path: url.path, reason: String(cString: strerror(errno)))
    }
}
