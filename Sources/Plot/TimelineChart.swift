import Foundation

/// Spans of time on named lanes drawn as bars, a Gantt chart of one training step:
/// one lane per thread, each span a coloured bar labelled with its name when it
/// fits, spans nested in others drawn one row lower, and a time axis underneath.
public struct TimelineChart: Sendable {
    /// One span: its lane, start and end (in the axis's unit), nesting depth, label and colour.
    public struct Bar: Sendable {
        public let lane: Int
        public let start: Double
        public let end: Double
        public let depth: Int
        public let label: String
        public let color: PlotColor

        public init(lane: Int, start: Double, end: Double, depth: Int, label: String, color: PlotColor) {
            self.lane = lane
            self.start = start
            self.end = end
            self.depth = depth
            self.label = label
            self.color = color
        }
    }

    public let lanes: [String]
    public let bars: [Bar]
    public let width: Int
    public var title: String
    /// Under the time axis, e.g. "milliseconds".
    public var axisLabel: String
    /// Pixels per row of bars.
    public var rowHeight = 13

    public init(lanes: [String], bars: [Bar], width: Int = 1400, title: String = "", axisLabel: String = "") {
        precondition(width >= 200, "TimelineChart: width \(width) is too small, need at least 200")
        self.lanes = lanes
        self.bars = bars
        self.width = width
        self.title = title
        self.axisLabel = axisLabel
    }

    /// The chart as a PNG image.
    public func render() -> PNGEncoder {
        let rows = lanes.indices.map { lane in (bars.filter { $0.lane == lane }.map(\.depth).max() ?? 0) + 1 }
        let laneTops = rows.reduce(into: [28]) { $0.append($0[$0.count - 1] + $1 * rowHeight + 6) }
        let height = laneTops[laneTops.count - 1] + 40
        let left = 10 + (lanes.map { BitmapFont.width(of: $0) }.max() ?? 0) + 8
        let axis = PlotAxis.covering(bars.map(\.start).min() ?? 0, bars.map(\.end).max() ?? 1, targetTickCount: max(3, width / 120))
        let right = width - 10 - BitmapFont.width(of: axis.label(axis.upper)) / 2
        func column(_ t: Double) -> Int { left + Int(((t - axis.lower) / (axis.upper - axis.lower) * Double(right - left)).rounded()) }

        var canvas = RGBCanvas(width: width, height: height)
        BitmapFont.draw(title, on: &canvas, column: 10, row: 8, color: .black)
        for (lane, name) in lanes.enumerated() {
            let region = RGBCanvas.Region(columns: left..<right, rows: laneTops[lane]..<(laneTops[lane] + rows[lane] * rowHeight))
            canvas.fill(region, color: lane % 2 == 0 ? PlotColor(red: 246, green: 246, blue: 246) : PlotColor(red: 236, green: 236, blue: 236))
            BitmapFont.draw(name, on: &canvas, column: 10, row: laneTops[lane] + 3, color: .black)
        }
        for bar in bars.sorted(by: { $0.depth < $1.depth }) {
            let top = laneTops[bar.lane] + bar.depth * rowHeight + 1
            let columns = column(bar.start)..<Swift.max(column(bar.end), column(bar.start) + 1)
            let region = RGBCanvas.Region(columns: columns, rows: top..<(top + rowHeight - 2))
            canvas.fill(region, color: bar.color)
            if columns.count > 3 { canvas.outline(region, color: .frame) }
            if BitmapFont.width(of: bar.label) + 4 <= columns.count {
                BitmapFont.draw(bar.label, on: &canvas, column: columns.lowerBound + 2, row: top + 2, color: .black)
            }
        }
        let axisRow = laneTops[laneTops.count - 1] + 4
        canvas.drawLine(from: (left, axisRow), to: (right, axisRow), color: .frame)
        for tick in axis.ticks {
            canvas.drawLine(from: (column(tick), axisRow), to: (column(tick), axisRow + 4), color: .frame)
            let label = axis.label(tick)
            BitmapFont.draw(label, on: &canvas, column: column(tick) - BitmapFont.width(of: label) / 2, row: axisRow + 7, color: .black)
        }
        BitmapFont.draw(axisLabel, on: &canvas, column: (left + right - BitmapFont.width(of: axisLabel)) / 2, row: axisRow + 20, color: .black)
        return canvas.png
    }
}
