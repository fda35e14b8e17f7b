import Autograd
import Foundation

/// How the axes of a 4-D image array in a .npy file are ordered.
public enum NpyLayout: String, Sendable, CaseIterable {
    /// [N, C, H, W], PyTorch's order: samples are taken as they are.
    case nchw
    /// [N, H, W, C], the order of PIL and most image tools: converted to [C, H, W] on load.
    case nhwc
}

/// A dataset held in one .npy array: [N, D] is N points of D coordinates,
/// [N, H, W] is single-channel images, [N, C, H, W] or [N, H, W, C] (see
/// `NpyLayout`) is images. uint8 elements are mapped onto `pixelRange`;
/// float32 elements are used as they are (and are assumed to lie in it).
public final class NpyDataset: ImageDataset {
    public let name: String
    public let pixelRange: PixelRange
    /// .npy files carry no labels.
    public var labels: [Int]? { nil }
    private let store: SampleStore

    public var count: Int? { store.count }
    public var sampleShape: [Int] { store.sampleShape }

    /// Loads `file` (plain or gzip'd); `layout` matters only for 4-D arrays.
    public init(file: URL, layout: NpyLayout = .nchw, pixelRange: PixelRange) throws {
        let path = file.relativePath
        let contents = try NpyFile.readContents(file)
        let shape = contents.shape
        let sampleShape: [Int]
        switch shape.count {
        case 2: sampleShape = [shape[1]]
        case 3: sampleShape = [1, shape[1], shape[2]]
        case 4: sampleShape = layout == .nchw ? Array(shape[1...]) : [shape[3], shape[1], shape[2]]
        default:
            throw DataError.wrongDimensions(
                path: path, found: shape, expected: "[N, D] points, [N, H, W] images or [N, C, H, W] / [N, H, W, C] images")
        }
        guard shape[0] > 0 else { throw DataError.empty(path: path, what: "samples (first axis is 0)") }
        guard sampleShape.allSatisfy({ $0 > 0 }) else {
            throw DataError.wrongDimensions(path: path, found: shape, expected: "every sample axis at least 1")
        }
        if shape.count == 4 { try Self.requireImageChannels(shape: shape, layout: layout, path: path) }

        let needsTranspose = shape.count == 4 && layout == .nhwc
        switch contents.dtype {
        case .uint8:
            let bytes = needsTranspose ? Self.channelsFirst(contents.data, shape: shape) : contents.data
            store = SampleStore(bytes: bytes, sampleShape: sampleShape, pixelRange: pixelRange)
        case .float32:
            let floats = contents.floats
            store = SampleStore(floats: needsTranspose ? Self.channelsFirst(floats, shape: shape) : floats, sampleShape: sampleShape)
        }
        var name = file.lastPathComponent
        for suffix in [".gz", ".npy"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        self.name = name
        self.pixelRange = pixelRange
    }

    public func batch(at indices: [Int]) -> Tensor {
        store.batch(at: indices)
    }

    /// Image channels a model takes: 1 to 4 (gray, gray and alpha, RGB, RGBA). A 4-D array
    /// with more along its channel axis is almost always the other layout, which would
    /// train on scrambled pixels; it is refused, naming the layout that fits when one does.
    public static let imageChannels = 1...4

    private static func requireImageChannels(shape: [Int], layout: NpyLayout, path: String) throws {
        let (channels, otherChannels, other): (Int, Int, NpyLayout) = layout == .nchw ? (shape[1], shape[3], .nhwc) : (shape[3], shape[1], .nchw)
        guard !imageChannels.contains(channels) else { return }
        let hint = imageChannels.contains(otherChannels)
            ? "its \(other == .nhwc ? "last" : "second") axis (\(otherChannels)) looks like the channels: set data.layout: \(other.rawValue) (--data-layout \(other.rawValue))"
            : "store points as [N, D] instead"
        throw DataError.wrongDimensions(
            path: path, found: shape,
            expected: "images with \(imageChannels.lowerBound) to \(imageChannels.upperBound) channels, but as \(layout.rawValue) this array has \(channels); \(hint)")
    }

    /// Reorders [N, H, W, C] elements into [N, C, H, W].
    private static func channelsFirst<Element>(_ values: [Element], shape: [Int]) -> [Element] {
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        var result = values
        for sample in 0..<n {
            let base = sample * h * w * c
            for y in 0..<h {
                for x in 0..<w {
                    for channel in 0..<c {
                        result[base + (channel * h + y) * w + x] = values[base + (y * w + x) * c + channel]
                    }
                }
            }
        }
        return result
    }
}
