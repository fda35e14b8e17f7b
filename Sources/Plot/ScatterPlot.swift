import Autograd
import Foundation

/// The data rectangle a plot shows.
public struct PlotRange: Sendable, Equatable {
    public var x: ClosedRange<Float>
    public var y: ClosedRange<Float>

    public init(x: ClosedRange<Float>, y: ClosedRange<Float>) {
        precondition(x.upperBound > x.lowerBound && y.upperBound > y.lowerBound, "PlotRange: empty range x \(x), y \(y)")
        self.x = x
        self.y = y
    }

    /// The smallest range holding `points` (flat x, y pairs) with `margin` (a
    /// fraction of the extent) on every side, with equal units per pixel on both
    /// axes of a `width` × `height` image so circles stay round.
    public static func fitted(to points: [Float], width: Int, height: Int, margin: Float = 0.1) -> PlotRange {
        var (minX, maxX, minY, maxY) = (Float.infinity, -Float.infinity, Float.infinity, -Float.infinity)
        for k in stride(from: 0, to: points.count - 1, by: 2) where points[k].isFinite && points[k + 1].isFinite {
            (minX, maxX) = (min(minX, points[k]), max(maxX, points[k]))
            (minY, maxY) = (min(minY, points[k + 1]), max(maxY, points[k + 1]))
        }
        guard minX <= maxX else { return PlotRange(x: -1...1, y: -1...1) }
        // In Double: the extent of points near ±Float.greatestFiniteMagnitude overflows a Float.
        let (lowX, highX, lowY, highY) = (Double(minX), Double(maxX), Double(minY), Double(maxY))
        let extent = max(highX - lowX, highY - lowY, 1e-3)
        let unitsPerPixel = max((highX - lowX + 2 * Double(margin) * extent) / Double(width), (highY - lowY + 2 * Double(margin) * extent) / Double(height))
        let (cx, cy) = ((lowX + highX) / 2, (lowY + highY) / 2)
        let (halfWidth, halfHeight) = (unitsPerPixel * Double(width) / 2, unitsPerPixel * Double(height) / 2)
        return PlotRange(x: spanned(cx - halfWidth, cx + halfWidth), y: spanned(cy - halfHeight, cy + halfHeight))
    }

    /// low...high as Floats, clamped to the finite floats and at least one float wide
    /// (far from 0 the margin can be smaller than the spacing of floats).
    private static func spanned(_ low: Double, _ high: Double) -> ClosedRange<Float> {
        let limit = Double(Float.greatestFiniteMagnitude)
        var (a, b) = (Float(min(max(low, -limit), limit)), Float(min(max(high, -limit), limit)))
        if !(b > a) { (a, b) = (a == -.greatestFiniteMagnitude ? a : a.nextDown, b == .greatestFiniteMagnitude ? b : b.nextUp) }
        return a...b
    }
}

/// A scatter plot of 2-D point sets rendered to an RGB PNG: optionally a heat
/// map of a function of (x, y) underneath (e.g. the critic's value), then each
/// point set in the order added, then a frame.
public struct ScatterPlot {
    /// One set of points drawn in one colour.
    public struct Series: Sendable {
        /// Flat x, y pairs.
        public let points: [Float]
        public let color: PlotColor
        /// Dots are discs of this radius in pixels (0 = one pixel).
        public let radius: Int
    }

    public let width: Int
    public let height: Int
    /// The data rectangle shown; nil fits it to all points added.
    public var range: PlotRange?
    /// Drawn under the points when set: evaluated once per heat-map cell, at the cell's centre.
    public var heatMap: ((_ x: Float, _ y: Float) -> Float)?
    /// Cells along each axis of the heat map (values are constant within a cell).
    public var heatMapCells: Int = 128
    /// How heat-map values, rescaled to [0, 1] between their minimum and maximum, become colours.
    public var heatMapRamp: ColorRamp = .pale
    public private(set) var series: [Series] = []

    public init(width: Int = 512, height: Int = 512, range: PlotRange? = nil) {
        precondition(width > 0 && height > 0, "ScatterPlot: size \(width)x\(height) must be positive")
        self.width = width
        self.height = height
        self.range = range
    }

    /// Adds points from a [N, 2] tensor; any other shape throws and adds nothing.
    public mutating func add(points: Tensor, color: PlotColor, radius: Int = 2) throws(PictureError) {
        guard points.rank == 2, points.shape[1] == 2 else { throw .undrawable(shape: points.shape, expected: "[N, 2] points") }
        add(flatPoints: points.scalars, color: color, radius: radius)
    }

    /// Adds points given as x, y pairs; a point without exactly 2 coordinates throws and adds nothing.
    public mutating func add(points: [[Float]], color: PlotColor, radius: Int = 2) throws(PictureError) {
        if let bad = points.first(where: { $0.count != 2 }) { throw .undrawable(shape: [bad.count], expected: "points of 2 coordinates") }
        add(flatPoints: points.flatMap { $0 }, color: color, radius: radius)
    }

    private mutating func add(flatPoints: [Float], color: PlotColor, radius: Int) {
        series.append(Series(points: flatPoints, color: color, radius: max(radius, 0)))
    }

    /// The range drawn: `range`, or one fitted to every point added.
    public var resolvedRange: PlotRange {
        range ?? PlotRange.fitted(to: series.flatMap(\.points), width: width, height: height)
    }

    /// The pixel (column from the left, row from the top) showing data point (x, y), nil outside the image.
    public func pixel(x: Float, y: Float) -> (column: Int, row: Int)? {
        pixel(x: x, y: y, in: resolvedRange)
    }

    private func pixel(x: Float, y: Float, in range: PlotRange) -> (column: Int, row: Int)? {
        let u = (x - range.x.lowerBound) / (range.x.upperBound - range.x.lowerBound) * Float(width)
        let v = (range.y.upperBound - y) / (range.y.upperBound - range.y.lowerBound) * Float(height)
        guard u.isFinite, v.isFinite, u >= 0, v >= 0, u < Float(width), v < Float(height) else { return nil }
        return (Int(u), Int(v))
    }

    /// The plot as a PNG image.
    public func render() -> PNGEncoder {
        let range = resolvedRange
        var canvas = [UInt8](repeating: 255, count: width * height * 3)
        func paint(_ column: Int, _ row: Int, _ color: PlotColor) {
            guard column >= 0, column < width, row >= 0, row < height else { return }
            let k = (row * width + column) * 3
            canvas[k] = color.red
            canvas[k + 1] = color.green
            canvas[k + 2] = color.blue
        }

        if let heatMap {
            drawHeatMap(heatMap, range: range, paint: paint)
        }
        for set in series {
            let r = set.radius
            for k in stride(from: 0, to: set.points.count - 1, by: 2) {
                guard let (column, row) = pixel(x: set.points[k], y: set.points[k + 1], in: range) else { continue }
                for dy in -r...r {
                    for dx in -r...r where dx * dx + dy * dy <= r * r {
                        paint(column + dx, row + dy, set.color)
                    }
                }
            }
        }
        for column in 0..<width {
            paint(column, 0, .frame)
            paint(column, height - 1, .frame)
        }
        for row in 0..<height {
            paint(0, row, .frame)
            paint(width - 1, row, .frame)
        }
        return PNGEncoder(width: width, height: height, colorType: .rgb, pixels: canvas)
    }

    /// Writes the plot as a PNG file.
    public func write(to url: URL) throws {
        try render().write(to: url)
    }

    /// Fills the image with `field` sampled at cell centres and coloured by `heatMapRamp`.
    private func drawHeatMap(_ field: (Float, Float) -> Float, range: PlotRange, paint: (Int, Int, PlotColor) -> Void) {
        let cells = max(1, heatMapCells)
        let (cellsX, cellsY) = (min(cells, width), min(cells, height))
        let spanX = range.x.upperBound - range.x.lowerBound
        let spanY = range.y.upperBound - range.y.lowerBound
        var values = [Float](repeating: 0, count: cellsX * cellsY)
        for j in 0..<cellsY {
            for i in 0..<cellsX {
                let x = range.x.lowerBound + (Float(i) + 0.5) / Float(cellsX) * spanX
                let y = range.y.upperBound - (Float(j) + 0.5) / Float(cellsY) * spanY
                values[j * cellsX + i] = field(x, y)
            }
        }
        let finite = values.filter(\.isFinite)
        let low = finite.min() ?? 0
        let spread = max((finite.max() ?? 0) - low, .leastNormalMagnitude)
        let colors = values.map { heatMapRamp.color(at: ($0 - low) / spread) }
        for row in 0..<height {
            let j = row * cellsY / height
            for column in 0..<width {
                paint(column, row, colors[j * cellsX + column * cellsX / width])
            }
        }
    }
}
