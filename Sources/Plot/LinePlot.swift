import Foundation

/// Named series of (x, y) points drawn as coloured lines in an RGB PNG, with a
/// frame, grid, numeric tick labels on both axes, a title and a legend; for
/// training curves. Linear axes. A non-finite x or y leaves a gap in its
/// series; a point with no finite neighbour is drawn as a dot.
public struct LinePlot: Sendable {
    /// One curve: points joined in the order given.
    public struct Series: Sendable {
        public let name: String
        public let x: [Double]
        public let y: [Double]
        public let color: PlotColor
    }

    /// Colours given to series added without one, in order (then repeating).
    public static let palette: [PlotColor] = [
        PlotColor(red: 31, green: 119, blue: 180), PlotColor(red: 255, green: 127, blue: 14),
        PlotColor(red: 44, green: 160, blue: 44), PlotColor(red: 214, green: 39, blue: 40),
        PlotColor(red: 148, green: 103, blue: 189), PlotColor(red: 140, green: 86, blue: 75),
        PlotColor(red: 227, green: 119, blue: 194), PlotColor(red: 127, green: 127, blue: 127),
        PlotColor(red: 188, green: 189, blue: 34), PlotColor(red: 23, green: 190, blue: 207),
    ]
    /// Grid lines at the ticks.
    public static let gridColor = PlotColor(red: 228, green: 228, blue: 228)
    /// Title, tick labels and legend text.
    public static let textColor = PlotColor(red: 20, green: 20, blue: 20)

    public let width: Int
    public let height: Int
    /// Drawn centred above the plot (empty: none).
    public var title: String
    /// Drawn centred under the x tick labels when set.
    public var xLabel: String?
    /// Lines are drawn with a square brush this many pixels wide.
    public var lineWidth: Int = 2
    public private(set) var series: [Series] = []

    public init(width: Int = 800, height: Int = 500, title: String = "", xLabel: String? = nil) {
        precondition(width >= 120 && height >= 90, "LinePlot: size \(width)x\(height) is too small, need at least 120x90")
        self.width = width
        self.height = height
        self.title = title
        self.xLabel = xLabel
    }

    /// Adds a series; without a colour it takes the next one from `palette`.
    public mutating func add(name: String, x: [Double], y: [Double], color: PlotColor? = nil) {
        precondition(x.count == y.count, "LinePlot.add: \(x.count) x values but \(y.count) y values for series '\(name)'")
        series.append(Series(name: name, x: x, y: y, color: color ?? Self.palette[series.count % Self.palette.count]))
    }

    /// The horizontal axis: nice ticks covering every finite x (0 ... 1 when there is none).
    public var xAxis: PlotAxis {
        let extent = finiteExtent(\.x)
        return PlotAxis.covering(extent.lowerBound, extent.upperBound, targetTickCount: max(3, width / 80))
    }

    /// The vertical axis: nice ticks covering every finite y (0 ... 1 when there is none).
    public var yAxis: PlotAxis {
        let extent = finiteExtent(\.y)
        return PlotAxis.covering(extent.lowerBound, extent.upperBound, targetTickCount: max(3, height / 50))
    }

    /// The pixels the data area spans: the axes' ends map to its first and last column and row.
    public var dataArea: RGBCanvas.Region { layout().area }

    /// The pixel (column from the left, row from the top) showing (x, y); nil when not finite or off the axes.
    public func pixel(x: Double, y: Double) -> (column: Int, row: Int)? {
        layout().pixel(x: x, y: y)
    }

    /// The plot as a PNG image.
    public func render() -> PNGEncoder {
        let layout = layout()
        let area = layout.area
        var canvas = RGBCanvas(width: width, height: height)
        let scale = titleScale
        if !title.isEmpty {
            let column = (width - BitmapFont.width(of: title, scale: scale)) / 2
            BitmapFont.draw(title, on: &canvas, column: column, row: 6, color: Self.textColor, scale: scale)
        }
        drawGridAndTicks(on: &canvas, layout: layout)

        canvas.clip = area
        for set in series { drawSeries(set, on: &canvas, layout: layout) }
        canvas.clip = nil

        let frame = RGBCanvas.Region(
            columns: (area.columns.lowerBound - 1)..<(area.columns.upperBound + 1), rows: (area.rows.lowerBound - 1)..<(area.rows.upperBound + 1))
        canvas.outline(frame, color: .frame)
        drawLegend(on: &canvas, area: area)
        if let xLabel {
            let row = area.rows.upperBound + 1 + tickLength + 3 + BitmapFont.height() + 5
            let column = area.columns.lowerBound + (area.columns.count - BitmapFont.width(of: xLabel)) / 2
            BitmapFont.draw(xLabel, on: &canvas, column: column, row: row, color: Self.textColor)
        }
        return canvas.png
    }

    /// Writes the plot as a PNG file.
    public func write(to url: URL) throws {
        try render().write(to: url)
    }

    // MARK: Layout

    /// Tick marks reach this many pixels out of the frame.
    private let tickLength = 4

    private var titleScale: Int {
        BitmapFont.width(of: title, scale: 2) <= width - 16 ? 2 : 1
    }

    /// Where the data goes and how values map to pixels.
    private struct Layout {
        let area: RGBCanvas.Region
        let xAxis: PlotAxis
        let yAxis: PlotAxis

        func column(_ x: Double) -> Double {
            Double(area.columns.lowerBound) + (x - xAxis.lower) / (xAxis.upper - xAxis.lower) * Double(area.columns.count - 1)
        }

        func row(_ y: Double) -> Double {
            Double(area.rows.lowerBound) + (yAxis.upper - y) / (yAxis.upper - yAxis.lower) * Double(area.rows.count - 1)
        }

        func pixel(x: Double, y: Double) -> (column: Int, row: Int)? {
            let (u, v) = (column(x).rounded(), row(y).rounded())
            guard u.isFinite, v.isFinite, area.columns.contains(Int(u)), area.rows.contains(Int(v)) else { return nil }
            return (Int(u), Int(v))
        }
    }

    private func layout() -> Layout {
        let (xAxis, yAxis) = (self.xAxis, self.yAxis)
        let widestYLabel = yAxis.ticks.map { BitmapFont.width(of: yAxis.label($0)) }.max() ?? 0
        let lastXLabel = BitmapFont.width(of: xAxis.label(xAxis.upper))
        let left = 8 + widestYLabel + 3 + tickLength
        let right = width - max(12, lastXLabel / 2 + 4)
        let top = title.isEmpty ? 10 : 6 + BitmapFont.height(scale: titleScale) + 10
        let bottom = height - (tickLength + 3 + BitmapFont.height() + 6 + (xLabel == nil ? 0 : BitmapFont.height() + 6))
        let area = RGBCanvas.Region(columns: left..<max(right, left + 2), rows: top..<max(bottom, top + 2))
        return Layout(area: area, xAxis: xAxis, yAxis: yAxis)
    }

    private func finiteExtent(_ values: KeyPath<Series, [Double]>) -> ClosedRange<Double> {
        var (low, high) = (Double.infinity, -Double.infinity)
        for set in series {
            for k in set.x.indices where set.x[k].isFinite && set.y[k].isFinite {
                low = min(low, set[keyPath: values][k])
                high = max(high, set[keyPath: values][k])
            }
        }
        return low <= high ? low...high : 0...1
    }

    // MARK: Drawing

    private func drawGridAndTicks(on canvas: inout RGBCanvas, layout: Layout) {
        let area = layout.area
        for tick in layout.xAxis.ticks {
            let column = Int(layout.column(tick).rounded())
            for row in area.rows { canvas.paint(column: column, row: row, color: Self.gridColor) }
            for row in area.rows.upperBound...(area.rows.upperBound + tickLength) { canvas.paint(column: column, row: row, color: .frame) }
            let label = layout.xAxis.label(tick)
            let labelTop = area.rows.upperBound + 1 + tickLength + 3
            BitmapFont.draw(label, on: &canvas, column: column - BitmapFont.width(of: label) / 2, row: labelTop, color: Self.textColor)
        }
        for tick in layout.yAxis.ticks {
            let row = Int(layout.row(tick).rounded())
            for column in area.columns { canvas.paint(column: column, row: row, color: Self.gridColor) }
            for column in (area.columns.lowerBound - 1 - tickLength)..<area.columns.lowerBound {
                canvas.paint(column: column, row: row, color: .frame)
            }
            let label = layout.yAxis.label(tick)
            let labelLeft = area.columns.lowerBound - 1 - tickLength - 3 - BitmapFont.width(of: label)
            BitmapFont.draw(label, on: &canvas, column: labelLeft, row: row - BitmapFont.glyphHeight / 2, color: Self.textColor)
        }
    }

    private func drawSeries(_ set: Series, on canvas: inout RGBCanvas, layout: Layout) {
        func position(_ k: Int) -> (column: Int, row: Int)? {
            guard set.x[k].isFinite, set.y[k].isFinite else { return nil }
            return (Int(layout.column(set.x[k]).rounded()), Int(layout.row(set.y[k]).rounded()))
        }
        for k in set.x.indices {
            guard let here = position(k) else { continue }
            let previous = k > 0 ? position(k - 1) : nil
            let next = k + 1 < set.x.count ? position(k + 1) : nil
            if let next {
                canvas.drawLine(from: here, to: next, color: set.color, thickness: lineWidth)
            } else if previous == nil {
                // An isolated point: a dot large enough to see.
                for dy in -2...2 {
                    for dx in -2...2 where dx * dx + dy * dy <= 5 {
                        canvas.paint(column: here.column + dx, row: here.row + dy, color: set.color)
                    }
                }
            }
        }
    }

    /// Names and colour swatches in a framed box at the top right of the data area; left out when it does not fit.
    private func drawLegend(on canvas: inout RGBCanvas, area: RGBCanvas.Region) {
        guard !series.isEmpty else { return }
        let (swatch, lineHeight, padding) = (16, BitmapFont.glyphHeight + 5, 5)
        let widestName = series.map { BitmapFont.width(of: $0.name) }.max() ?? 0
        let boxWidth = padding + swatch + 5 + widestName + padding
        let boxHeight = padding + series.count * lineHeight - 5 + padding
        guard boxWidth + 12 <= area.columns.count, boxHeight + 12 <= area.rows.count else { return }
        let left = area.columns.upperBound - 6 - boxWidth
        let top = area.rows.lowerBound + 6
        let box = RGBCanvas.Region(columns: left..<(left + boxWidth), rows: top..<(top + boxHeight))
        canvas.fill(box, color: .white)
        canvas.outline(box, color: .frame)
        for (k, set) in series.enumerated() {
            let row = top + padding + k * lineHeight
            canvas.fill(RGBCanvas.Region(columns: (left + padding)..<(left + padding + swatch), rows: (row + 2)..<(row + 5)), color: set.color)
            BitmapFont.draw(set.name, on: &canvas, column: left + padding + swatch + 5, row: row, color: Self.textColor)
        }
    }
}
