import Plot
import Data
import XCTest

final class LinePlotTests: XCTestCase {
    private func rgb(_ color: PlotColor) -> [UInt8] { [color.red, color.green, color.blue] }

    /// Whether `color` is at (column, row) or one of its eight neighbours.
    private func near(_ image: DecodedPNG, _ column: Int, _ row: Int, _ color: PlotColor) -> Bool {
        for dy in -1...1 {
            for dx in -1...1 where image.pixel(column: column + dx, row: row + dy) == rgb(color) { return true }
        }
        return false
    }

    private func count(_ image: DecodedPNG, _ color: PlotColor, columns: Range<Int>, rows: Range<Int>) -> Int {
        var n = 0
        for row in rows {
            for column in columns where image.pixel(column: column, row: row) == rgb(color) { n += 1 }
        }
        return n
    }

    func testRenderIsAValidRGBPNGOfTheRequestedSize() throws {
        var plot = LinePlot(width: 320, height: 200, title: "losses", xLabel: "step")
        plot.add(name: "critic", x: [0, 1, 2], y: [1, 0.5, 0.25])
        let image = try DecodedPNG(plot.render().encoded())
        XCTAssertEqual(image.width, 320)
        XCTAssertEqual(image.height, 200)
        XCTAssertEqual(image.colorType, 2)
        XCTAssertEqual(image.chunkTypes, ["IHDR", "IDAT", "IEND"])
        XCTAssertEqual(image.pixel(column: 0, row: 0), [255, 255, 255], "white background")
    }

    func testSeriesIsDrawnInItsOwnColourAlongAStraightLine() throws {
        var plot = LinePlot(width: 400, height: 300, title: "line")
        let xs = (0...10).map(Double.init)
        plot.add(name: "falling", x: xs, y: xs.map { 10 - $0 })
        plot.add(name: "flat", x: [0, 10], y: [1, 1], color: .marker)
        XCTAssertEqual(plot.series[0].color, LinePlot.palette[0], "the first series takes the first palette colour")
        let image = try DecodedPNG(plot.render().encoded())
        let area = plot.dataArea
        XCTAssertEqual(try XCTUnwrap(plot.pixel(x: 0, y: 10)).column, area.columns.lowerBound)
        XCTAssertEqual(try XCTUnwrap(plot.pixel(x: 0, y: 10)).row, area.rows.lowerBound)
        XCTAssertEqual(try XCTUnwrap(plot.pixel(x: 10, y: 0)).column, area.columns.upperBound - 1)
        XCTAssertEqual(try XCTUnwrap(plot.pixel(x: 10, y: 0)).row, area.rows.upperBound - 1)
        let color = LinePlot.palette[0]
        for x in xs.dropLast() where x != 9 {  // the flat line is drawn over the vertex at x = 9
            let (column, row) = try XCTUnwrap(plot.pixel(x: x, y: 10 - x))
            XCTAssertEqual(image.pixel(column: column, row: row), rgb(color), "vertex x = \(x)")
        }
        for k in 0..<100 {
            let x = Double(k) / 10 + 0.05
            guard x < 9 || x > 9.1 else { continue }  // where the flat line crosses
            let (column, row) = try XCTUnwrap(plot.pixel(x: x, y: 10 - x))
            XCTAssertTrue(near(image, column, row, color), "line at x = \(x)")
            XCTAssertNotEqual(image.pixel(column: column, row: row - 12), rgb(color), "nothing 12 pixels above the line at x = \(x)")
        }
        let (_, flatRow) = try XCTUnwrap(plot.pixel(x: 5, y: 1))
        for column in stride(from: area.columns.lowerBound, to: area.columns.upperBound - 30, by: 7) {
            XCTAssertEqual(image.pixel(column: column, row: flatRow), rgb(.marker), "flat line at column \(column)")
        }
    }

    func testAxisTicksAreOneTwoOrFiveTimesAPowerOfTenAndCoverTheData() {
        let cases: [(Double, Double, Int)] = [
            (0.13, 9.7, 6), (-3.2, 0.45, 5), (100, 5000, 6), (0.0012, 0.0047, 4), (-2e7, 3e7, 6), (1e-6, 1.05e-6, 5),
            (17, 19, 3), (0.3, 0.7, 6), (2, 2, 5), (0, 0, 5), (-1e-3, -1e-3, 4), (0, 1, 2),
        ]
        for (low, high, target) in cases {
            let axis = PlotAxis.covering(low, high, targetTickCount: target)
            let mantissa = axis.step / pow(10, Double(axis.exponent))
            XCTAssertTrue([1.0, 2, 5].contains { abs($0 - mantissa) < 1e-9 }, "step \(axis.step) for \(low)...\(high)")
            XCTAssertLessThanOrEqual(axis.lower, low + 1e-12 * abs(low), "\(low)...\(high): \(axis.ticks)")
            XCTAssertGreaterThanOrEqual(axis.upper, high - 1e-12 * abs(high), "\(low)...\(high): \(axis.ticks)")
            if low != high {
                XCTAssertGreaterThan(axis.lower, low - axis.step - 1e-9 * axis.step, "no more than one step of slack below")
                XCTAssertLessThan(axis.upper, high + axis.step + 1e-9 * axis.step, "no more than one step of slack above")
            }
            XCTAssertGreaterThanOrEqual(axis.ticks.count, 2)
            XCTAssertLessThanOrEqual(axis.ticks.count, 2 * target + 1)
            for (a, b) in zip(axis.ticks, axis.ticks.dropFirst()) {
                XCTAssertEqual(b - a, axis.step, accuracy: axis.step * 1e-9)
            }
            for tick in axis.ticks {
                XCTAssertEqual((tick / axis.step).rounded(), tick / axis.step, accuracy: 1e-6, "tick \(tick) is a multiple of the step")
            }
        }
        XCTAssertEqual(PlotAxis.covering(0.13, 9.7, targetTickCount: 6).ticks, [0, 2, 4, 6, 8, 10])
        XCTAssertEqual(PlotAxis.covering(-3.2, 0.45, targetTickCount: 5).ticks, [-4, -3, -2, -1, 0, 1])
        XCTAssertEqual(PlotAxis.covering(100, 5000, targetTickCount: 6).ticks, [0, 1000, 2000, 3000, 4000, 5000])
        XCTAssertEqual(PlotAxis.covering(0, 0, targetTickCount: 5).ticks, [-1, -0.5, 0, 0.5, 1], "an empty range is widened")
        XCTAssertEqual(PlotAxis.covering(.nan, 3).ticks, PlotAxis.covering(0, 1).ticks)
    }

    func testTickLabelsUseAsManyDecimalsAsTheStepNeeds() {
        let tenths = PlotAxis.covering(0, 1, targetTickCount: 6)
        XCTAssertEqual(tenths.ticks.map(tenths.label), ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let thousands = PlotAxis.covering(100, 5000, targetTickCount: 6)
        XCTAssertEqual(thousands.ticks.map(thousands.label), ["0", "1000", "2000", "3000", "4000", "5000"])
        let negative = PlotAxis.covering(-1, 0.5, targetTickCount: 4)
        XCTAssertEqual(negative.ticks.map(negative.label), ["-1.0", "-0.5", "0", "0.5"])
        let millions = PlotAxis.covering(0, 4e6, targetTickCount: 5)
        XCTAssertEqual(millions.ticks.map(millions.label), ["0", "1e6", "2e6", "3e6", "4e6"])
        let tiny = PlotAxis.covering(0, 1e-4, targetTickCount: 6)
        XCTAssertEqual(tiny.ticks.map(tiny.label), ["0", "2e-5", "4e-5", "6e-5", "8e-5", "1.0e-4"])
    }

    func testNonFiniteValuesLeaveAGapAndIsolatedPointsAreDots() throws {
        var plot = LinePlot(width: 400, height: 300)
        plot.add(name: "gappy", x: [0, 1, 2, 3, 4], y: [4, 3, .nan, 1, 0])
        plot.add(name: "single", x: [2], y: [0.5], color: .marker)
        plot.add(name: "nothing", x: [.nan], y: [1])
        let image = try DecodedPNG(plot.render().encoded())
        let color = LinePlot.palette[0]
        let (c1, r1) = try XCTUnwrap(plot.pixel(x: 0.5, y: 3.5))
        XCTAssertTrue(near(image, c1, r1, color), "drawn between two finite points")
        let (c2, r2) = try XCTUnwrap(plot.pixel(x: 3.5, y: 0.5))
        XCTAssertTrue(near(image, c2, r2, color))
        for x in [1.5, 2.0, 2.5] {
            let (column, row) = try XCTUnwrap(plot.pixel(x: x, y: 4 - x))
            XCTAssertFalse(near(image, column, row, color), "gap at x = \(x)")
        }
        let (column, row) = try XCTUnwrap(plot.pixel(x: 2, y: 0.5))
        for (dx, dy) in [(0, 0), (2, 0), (-2, 0), (0, 2), (0, -2), (1, 1)] {
            XCTAssertEqual(image.pixel(column: column + dx, row: row + dy), rgb(.marker), "dot pixel \(dx), \(dy)")
        }
        XCTAssertEqual(plot.xAxis.ticks.first, 0)
        XCTAssertEqual(plot.xAxis.ticks.last, 4, "a point without finite coordinates does not stretch the axes")
        XCTAssertNil(plot.pixel(x: .nan, y: 1))
        XCTAssertNil(plot.pixel(x: 5, y: 1), "off the axis")
    }

    func testConstantSeriesIsAHorizontalLineInsideTheAxis() throws {
        var plot = LinePlot(width: 300, height: 200)
        plot.add(name: "constant", x: [10, 20, 30], y: [3, 3, 3])
        XCTAssertLessThan(plot.yAxis.lower, 3)
        XCTAssertGreaterThan(plot.yAxis.upper, 3)
        let image = try DecodedPNG(plot.render().encoded())
        let (left, row) = try XCTUnwrap(plot.pixel(x: 10, y: 3))
        let (right, sameRow) = try XCTUnwrap(plot.pixel(x: 30, y: 3))
        XCTAssertEqual(row, sameRow)
        for column in stride(from: left, through: right, by: 5) {
            XCTAssertEqual(image.pixel(column: column, row: row), rgb(LinePlot.palette[0]), "column \(column)")
        }
    }

    func testEmptyPlotHasUnitAxesAndStillRenders() throws {
        let plot = LinePlot(width: 200, height: 120, title: "nothing yet")
        XCTAssertEqual(plot.xAxis.lower, 0)
        XCTAssertEqual(plot.xAxis.upper, 1)
        let image = try DecodedPNG(plot.render().encoded())
        XCTAssertEqual(image.width, 200)
    }

    func testGlyphsRenderAsDarkPixelsInTitleTickLabelsAndLegend() throws {
        var canvas = RGBCanvas(width: 20, height: 10)
        BitmapFont.draw("A", on: &canvas, column: 1, row: 1, color: .black)
        XCTAssertEqual(canvas.color(column: 3, row: 1), .black, "top of the A")
        XCTAssertEqual(canvas.color(column: 1, row: 1), .white, "corner of the A is empty")
        XCTAssertEqual((1...5).map { canvas.color(column: $0, row: 4) }, Array(repeating: .black, count: 5), "the A's bar")
        XCTAssertEqual(BitmapFont.width(of: "AB"), 11)
        XCTAssertEqual(BitmapFont.width(of: "AB", scale: 2), 22)
        XCTAssertTrue(BitmapFont.isSet("g", column: 1, row: 8), "g descends below the baseline")
        XCTAssertFalse((0..<5).contains { BitmapFont.isSet("a", column: $0, row: 7) }, "a does not")

        var patterns = Set<String>()
        for ascii in UInt8(32)...UInt8(126) {
            let character = Character(UnicodeScalar(ascii))
            let bits = (0..<45).map { BitmapFont.isSet(character, column: $0 % 5, row: $0 / 5) ? "#" : "." }.joined()
            XCTAssertEqual(bits.contains("#"), ascii != 32, "glyph \(character)")
            patterns.insert(bits)
        }
        XCTAssertEqual(patterns.count, 95, "every printable character has its own glyph")
        XCTAssertTrue(BitmapFont.isSet("é", column: 1, row: 0) == BitmapFont.isSet("?", column: 1, row: 0), "others draw as ?")

        var plot = LinePlot(width: 400, height: 300, title: "Loss", xLabel: "step")
        plot.add(name: "critic_loss", x: [0, 100], y: [0, 1])
        let image = try DecodedPNG(plot.render().encoded())
        let area = plot.dataArea
        let text = LinePlot.textColor
        XCTAssertGreaterThan(count(image, text, columns: 0..<400, rows: 0..<(area.rows.lowerBound - 1)), 20, "title")
        XCTAssertGreaterThan(count(image, text, columns: 0..<(area.columns.lowerBound - 5), rows: area.rows), 20, "y tick labels")
        XCTAssertGreaterThan(count(image, text, columns: 0..<400, rows: (area.rows.upperBound + 1)..<300), 40, "x tick labels and axis label")
        let (legendColumns, legendRows) = ((area.columns.upperBound - 120)..<area.columns.upperBound, area.rows.lowerBound..<(area.rows.lowerBound + 25))
        XCTAssertGreaterThan(count(image, text, columns: legendColumns, rows: legendRows), 20, "legend name")
        XCTAssertGreaterThanOrEqual(count(image, LinePlot.palette[0], columns: legendColumns, rows: legendRows), 16 * 3, "legend swatch")
    }
}
