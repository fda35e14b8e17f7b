import Autograd
import Foundation

/// MNIST's training split read from IDX files in a directory:
/// `train-images-idx3-ubyte` (required) and `train-labels-idx1-ubyte`
/// (optional), each either plain or with a `.gz` suffix. Samples are [1, 28, 28].
public final class MNISTDataset: ImageDataset {
    /// File names the loader looks for, before the optional ".gz".
    public static let imagesFileName = "train-images-idx3-ubyte"
    public static let labelsFileName = "train-labels-idx1-ubyte"
    /// Side of an MNIST image in pixels.
    public static let side = 28

    public let name: String
    public let pixelRange: PixelRange
    public let labels: [Int]?
    private let store: SampleStore

    public var count: Int? { store.count }
    public var sampleShape: [Int] { store.sampleShape }

    /// Loads the images (and labels when present) from `directory`, mapping pixels onto `pixelRange`.
    public init(directory: URL, pixelRange: PixelRange) throws {
        try FileBytes.requireDirectory(directory, expected: "a directory holding \(Self.imagesFileName)[.gz]")
        guard let imagesURL = Self.locate(Self.imagesFileName, in: directory) else {
            throw DataError.missingFile(
                path: directory.appendingPathComponent(Self.imagesFileName).relativePath,
                expected: "MNIST images in IDX format, named \(Self.imagesFileName) or \(Self.imagesFileName).gz")
        }
        let images = try IDXFile.read(imagesURL, rank: 3, format: "IDX images")
        let imagesPath = imagesURL.relativePath
        guard images.shape[0] > 0 else { throw DataError.empty(path: imagesPath, what: "images") }
        guard images.shape[1] == Self.side, images.shape[2] == Self.side else {
            throw DataError.wrongDimensions(path: imagesPath, found: images.shape, expected: "[n, 28, 28] (MNIST images)")
        }

        if let labelsURL = Self.locate(Self.labelsFileName, in: directory) {
            let file = try IDXFile.read(labelsURL, rank: 1, format: "IDX labels")
            let labelsPath = labelsURL.relativePath
            guard file.shape[0] == images.shape[0] else {
                throw DataError.countMismatch(
                    imagesPath: imagesPath, images: images.shape[0], labelsPath: labelsPath, labels: file.shape[0])
            }
            if let bad = file.bytes.firstIndex(where: { $0 > 9 }) {
                throw DataError.invalidLabel(path: labelsPath, offset: 8 + bad, value: Int(file.bytes[bad]), expected: 0...9)
            }
            labels = file.bytes.map(Int.init)
        } else {
            labels = nil
        }
        name = "mnist"
        self.pixelRange = pixelRange
        store = SampleStore(bytes: images.bytes, sampleShape: [1, Self.side, Self.side], pixelRange: pixelRange)
    }

    public func batch(at indices: [Int]) -> Tensor {
        store.batch(at: indices)
    }

    /// `directory/name` if it exists, else `directory/name.gz` if that exists.
    private static func locate(_ name: String, in directory: URL) -> URL? {
        for candidate in [name, name + ".gz"] {
            let url = directory.appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        return nil
    }
}
