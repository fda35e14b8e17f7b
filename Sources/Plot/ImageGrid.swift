import Autograd
import Foundation

/// A batch of images tiled into one picture, as torchvision's make_grid does:
/// a near-square grid with a border between and around the tiles, each value
/// mapped from `valueRange` onto 0...255 (and clamped).
public struct ImageGrid: Sendable {
    /// Columns and rows of tiles.
    public let columns: Int
    public let rows: Int
    /// The tiled picture, ready to write.
    public let png: PNGEncoder

    /// Tiles `images` ([N, C, H, W], N ≥ 1, C = 1 or 3). `columns` defaults to ⌈√N⌉;
    /// `border` pixels of `borderValue` (0...255) separate and surround the tiles. Any
    /// other shape throws `PictureError` (samples a picture cannot show must never trap).
    public init(
        images: Tensor, valueRange: ClosedRange<Float>, columns: Int? = nil, border: Int = 2, borderValue: UInt8 = 0
    ) throws(PictureError) {
        guard images.rank == 4, images.shape[0] >= 1, (try? PictureKind.of(sampleShape: Array(images.shape[1...]))) == .imageGrid else {
            throw .undrawable(shape: images.shape, expected: "[N, C, H, W] images, N ≥ 1, with 1 (gray) or 3 (RGB) channels")
        }
        let (n, c, h, w) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let border = max(border, 0)
        let columns = max(1, min(n, columns ?? Int(Double(n).squareRoot().rounded(.up))))
        let rows = (n + columns - 1) / columns
        let width = columns * (w + border) + border
        let height = rows * (h + border) + border

        let scale = 255 / max(valueRange.upperBound - valueRange.lowerBound, .leastNormalMagnitude)
        let low = valueRange.lowerBound
        var pixels = [UInt8](repeating: borderValue, count: width * height * c)
        images.withScalars { values in
            for image in 0..<n {
                let left = border + (image % columns) * (w + border)
                let top = border + (image / columns) * (h + border)
                for channel in 0..<c {
                    for y in 0..<h {
                        for x in 0..<w {
                            let value = values[((image * c + channel) * h + y) * w + x]
                            pixels[((top + y) * width + left + x) * c + channel] = Self.byte((value - low) * scale)
                        }
                    }
                }
            }
        }
        self.columns = columns
        self.rows = rows
        png = PNGEncoder(width: width, height: height, colorType: c == 1 ? .gray : .rgb, pixels: pixels)
    }

    /// Writes the grid as a PNG file.
    public func write(to url: URL) throws {
        try png.write(to: url)
    }

    /// A value already scaled to 0...255, rounded and clamped (NaN becomes 0).
    static func byte(_ scaled: Float) -> UInt8 {
        guard !scaled.isNaN else { return 0 }
        return UInt8(min(max(scaled.rounded(), 0), 255))
    }
}
