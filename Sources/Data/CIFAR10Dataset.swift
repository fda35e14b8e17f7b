import Autograd
import Foundation

/// CIFAR-10's training batches in the binary version: `data_batch_1.bin` ...
/// `data_batch_5.bin`, each a run of 3073-byte records (one label byte, then
/// the red, green and blue 32x32 planes). Whichever batches exist are used, in
/// order of their number. Samples are [3, 32, 32].
public final class CIFAR10Dataset: ImageDataset {
    /// Side of a CIFAR image in pixels.
    public static let side = 32
    /// Bytes per record: one label byte and three 32x32 planes.
    public static let recordSize = 1 + 3 * 32 * 32

    public let name: String
    public let pixelRange: PixelRange
    public let labels: [Int]?
    /// The batch files that were read, in order.
    public let files: [URL]
    private let store: SampleStore

    public var count: Int? { store.count }
    public var sampleShape: [Int] { store.sampleShape }

    /// Loads every `data_batch_N.bin` in `directory` (or in its `cifar-10-batches-bin`
    /// subdirectory, as the archive unpacks), mapping pixels onto `pixelRange`.
    public init(directory: URL, pixelRange: PixelRange) throws {
        let expected = "a directory holding CIFAR-10 binary batches data_batch_1.bin ... data_batch_5.bin"
        try FileBytes.requireDirectory(directory, expected: expected)
        var files = try Self.batchFiles(in: directory)
        if files.isEmpty {
            let unpacked = directory.appendingPathComponent("cifar-10-batches-bin")
            if (try? FileBytes.requireDirectory(unpacked, expected: expected)) != nil {
                files = try Self.batchFiles(in: unpacked)
            }
        }
        guard !files.isEmpty else {
            throw DataError.missingFile(path: directory.appendingPathComponent("data_batch_1.bin").relativePath, expected: expected)
        }

        var pixels: [UInt8] = []
        var labels: [Int] = []
        let imageSize = Self.recordSize - 1
        for url in files {
            let path = url.relativePath
            let bytes = try FileBytes.read(url, expected: "a CIFAR-10 binary batch")
            guard !bytes.isEmpty else { throw DataError.empty(path: path, what: "records") }
            let whole = bytes.count / Self.recordSize
            guard bytes.count % Self.recordSize == 0 else {
                throw DataError.truncated(
                    path: path, part: "record \(whole)", offset: whole * Self.recordSize,
                    expectedBytes: Self.recordSize, foundBytes: bytes.count - whole * Self.recordSize)
            }
            pixels.reserveCapacity(pixels.count + whole * imageSize)
            for record in 0..<whole {
                let start = record * Self.recordSize
                let label = Int(bytes[start])
                guard label <= 9 else { throw DataError.invalidLabel(path: path, offset: start, value: label, expected: 0...9) }
                labels.append(label)
                pixels.append(contentsOf: bytes[(start + 1)..<(start + Self.recordSize)])
            }
        }
        name = "cifar10"
        self.pixelRange = pixelRange
        self.labels = labels
        self.files = files
        store = SampleStore(bytes: pixels, sampleShape: [3, Self.side, Self.side], pixelRange: pixelRange)
    }

    public func batch(at indices: [Int]) -> Tensor {
        store.batch(at: indices)
    }

    /// The `data_batch_N.bin` files in `directory`, sorted by N.
    private static func batchFiles(in directory: URL) throws -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw DataError.ioFailed(path: directory.relativePath, reason: "cannot be listed: \(error.localizedDescription)")
        }
        let numbered = names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("data_batch_"), name.hasSuffix(".bin") else { return nil }
            let middle = name.dropFirst("data_batch_".count).dropLast(".bin".count)
            guard let number = Int(middle) else { return nil }
            return (number, name)
        }
        return numbered.sorted { $0.0 < $1.0 }.map { directory.appendingPathComponent($0.1) }
    }
}
