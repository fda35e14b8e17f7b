import Autograd

/// Where each pixel of a transformed image comes from: for output pixel (y, x), the
/// index y'·width + x' of its source pixel, or −1 for a zero (padding, a cut-out
/// square). Mirror images, quarter turns, whole-pixel shifts and cutout are such maps;
/// maps compose exactly, so a chain of them costs one gather.
public struct PixelMap: Equatable, Sendable {
    public let height: Int
    public let width: Int
    /// Source index of every output pixel, row-major; −1 where the output is 0.
    public let sources: [Int]

    public init(height: Int, width: Int, sources: [Int]) {
        precondition(sources.count == height * width, "PixelMap: \(sources.count) sources for \(height)x\(width) pixels")
        self.height = height
        self.width = width
        self.sources = sources
    }

    /// Every pixel from itself.
    public static func identity(height: Int, width: Int) -> PixelMap {
        PixelMap(height: height, width: width, sources: Array(0..<(height * width)))
    }

    public var isIdentity: Bool { sources.elementsEqual(0..<sources.count) }

    /// Output (y, x) reads input `source(y, x)`, or 0 where that is nil or outside the image.
    static func pulling(height: Int, width: Int, _ source: (Int, Int) -> (y: Int, x: Int)?) -> PixelMap {
        var sources = [Int](repeating: -1, count: height * width)
        for y in 0..<height {
            for x in 0..<width {
                if let (sy, sx) = source(y, x), (0..<height).contains(sy), (0..<width).contains(sx) { sources[y * width + x] = sy * width + sx }
            }
        }
        return PixelMap(height: height, width: width, sources: sources)
    }

    /// Mirrored left to right.
    public static func mirrored(height: Int, width: Int) -> PixelMap {
        pulling(height: height, width: width) { y, x in (y, width - 1 - x) }
    }

    /// Turned a quarter counter-clockwise `turns` times (square images; any turns on a square).
    public static func rotated(height: Int, width: Int, quarterTurns turns: Int) -> PixelMap {
        precondition(height == width || turns % 2 == 0, "PixelMap: a quarter turn needs a square image, got \(height)x\(width)")
        var map = identity(height: height, width: width)
        for _ in 0..<(((turns % 4) + 4) % 4) {
            map = map.then(pulling(height: height, width: width) { y, x in (x, width - 1 - y) })
        }
        return map
    }

    /// Content moved `dx` pixels right and `dy` down; the uncovered border is 0.
    public static func shifted(height: Int, width: Int, dx: Int, dy: Int) -> PixelMap {
        pulling(height: height, width: width) { y, x in (y - dy, x - dx) }
    }

    /// Zeros over `rows` × `columns` (clipped to the image), every other pixel unchanged.
    public static func cutout(height: Int, width: Int, rows: Range<Int>, columns: Range<Int>) -> PixelMap {
        pulling(height: height, width: width) { y, x in rows.contains(y) && columns.contains(x) ? nil : (y, x) }
    }

    /// This map, then `next` applied to its output.
    public func then(_ next: PixelMap) -> PixelMap {
        precondition(next.height == height && next.width == width, "PixelMap: composing \(height)x\(width) with \(next.height)x\(next.width)")
        return PixelMap(height: height, width: width, sources: next.sources.map { $0 < 0 ? -1 : sources[$0] })
    }
}

/// Applies `maps[i]` to every channel of sample i of `images` ([n, C, H, W]);
/// differentiable to any order (an element gather). Identity maps cost nothing.
public func remapPixels(_ images: Tensor, _ maps: [PixelMap]) -> Tensor {
    precondition(images.rank == 4 && maps.count == images.shape[0], "remapPixels: \(maps.count) maps for images of shape \(images.shape)")
    if maps.allSatisfy(\.isIdentity) { return images }
    let (channels, plane) = (images.shape[1], images.shape[2] * images.shape[3])
    var sources = [Int]()
    sources.reserveCapacity(images.count)
    for (sample, map) in maps.enumerated() {
        precondition(map.height * map.width == plane, "remapPixels: a \(map.height)x\(map.width) map for images of shape \(images.shape)")
        for channel in 0..<channels {
            let base = (sample * channels + channel) * plane
            sources.append(contentsOf: map.sources.map { $0 < 0 ? -1 : base + $0 })
        }
    }
    return images.gatheringElements(sources, shape: images.shape)
}
