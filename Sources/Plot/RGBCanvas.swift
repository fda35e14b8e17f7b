/// An RGB image that plots paint pixel by pixel before encoding it as PNG.
/// Painting outside the image, or outside `clip` when it is set, does nothing.
public struct RGBCanvas: Sendable {
    /// A rectangle of pixels: columns and rows, half-open.
    public struct Region: Sendable, Equatable {
        public var columns: Range<Int>
        public var rows: Range<Int>

        public init(columns: Range<Int>, rows: Range<Int>) {
            self.columns = columns
            self.rows = rows
        }
    }

    public let width: Int
    public let height: Int
    /// Row-major pixels, R, G, B interleaved.
    public private(set) var pixels: [UInt8]
    /// When set, only pixels inside this region are painted.
    public var clip: Region?

    public init(width: Int, height: Int, background: PlotColor = .white) {
        precondition(width > 0 && height > 0, "RGBCanvas: size \(width)x\(height) must be positive")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for k in stride(from: 0, to: pixels.count, by: 3) {
            pixels[k] = background.red
            pixels[k + 1] = background.green
            pixels[k + 2] = background.blue
        }
    }

    /// The colour at a pixel, nil outside the image.
    public func color(column: Int, row: Int) -> PlotColor? {
        guard column >= 0, column < width, row >= 0, row < height else { return nil }
        let k = (row * width + column) * 3
        return PlotColor(red: pixels[k], green: pixels[k + 1], blue: pixels[k + 2])
    }

    /// Sets one pixel.
    public mutating func paint(column: Int, row: Int, color: PlotColor) {
        guard column >= 0, column < width, row >= 0, row < height else { return }
        if let clip, !clip.columns.contains(column) || !clip.rows.contains(row) { return }
        let k = (row * width + column) * 3
        pixels[k] = color.red
        pixels[k + 1] = color.green
        pixels[k + 2] = color.blue
    }

    /// Fills a rectangle.
    public mutating func fill(_ region: Region, color: PlotColor) {
        for row in region.rows {
            for column in region.columns { paint(column: column, row: row, color: color) }
        }
    }

    /// Draws the one-pixel outline of a rectangle.
    public mutating func outline(_ region: Region, color: PlotColor) {
        guard !region.columns.isEmpty, !region.rows.isEmpty else { return }
        let (right, bottom) = (region.columns.upperBound - 1, region.rows.upperBound - 1)
        for column in region.columns {
            paint(column: column, row: region.rows.lowerBound, color: color)
            paint(column: column, row: bottom, color: color)
        }
        for row in region.rows {
            paint(column: region.columns.lowerBound, row: row, color: color)
            paint(column: right, row: row, color: color)
        }
    }

    /// A straight line between two pixels, both ends included (Bresenham's
    /// algorithm), drawn with a square brush `thickness` pixels wide.
    public mutating func drawLine(from start: (column: Int, row: Int), to end: (column: Int, row: Int), color: PlotColor, thickness: Int = 1) {
        let (dx, dy) = (abs(end.column - start.column), -abs(end.row - start.row))
        let (sx, sy) = (start.column < end.column ? 1 : -1, start.row < end.row ? 1 : -1)
        var (column, row) = start
        var error = dx + dy
        while true {
            dot(column: column, row: row, color: color, thickness: thickness)
            if column == end.column && row == end.row { break }
            let doubled = 2 * error
            if doubled >= dy {
                error += dy
                column += sx
            }
            if doubled <= dx {
                error += dx
                row += sy
            }
        }
    }

    /// A square of `thickness` pixels a side whose top-left pixel is (column, row) (one pixel for thickness 1).
    public mutating func dot(column: Int, row: Int, color: PlotColor, thickness: Int = 1) {
        for dy in 0..<max(thickness, 1) {
            for dx in 0..<max(thickness, 1) { paint(column: column + dx, row: row + dy, color: color) }
        }
    }

    /// The canvas as a PNG image.
    public var png: PNGEncoder {
        PNGEncoder(width: width, height: height, colorType: .rgb, pixels: pixels)
    }
}
