import Plot
import Autograd
import Data
import XCTest

final class ScatterPlotTests: XCTestCase {
    func testPlotIsAValidPNGOfTheRequestedSizeWithPointsInTheirColours() throws {
        var plot = ScatterPlot(width: 200, height: 120, range: PlotRange(x: -2...2, y: -1...1))
        try plot.add(points: Tensor(shape: [2, 2], scalars: [-1, 0.5, 1.5, -0.5]), color: .real)
        try plot.add(points: [[0, 0]], color: .generated, radius: 0)
        let decoded = try DecodedPNG(plot.render().encoded())
        XCTAssertEqual(decoded.width, 200)
        XCTAssertEqual(decoded.height, 120)
        XCTAssertEqual(decoded.colorType, 2)
        let real = [PlotColor.real.red, PlotColor.real.green, PlotColor.real.blue]
        let generated = [PlotColor.generated.red, PlotColor.generated.green, PlotColor.generated.blue]
        // x = -1 is a quarter of the way across; y = 0.5 a quarter of the way down.
        XCTAssertEqual(try XCTUnwrap(plot.pixel(x: -1, y: 0.5)).column, 50)
        XCTAssertEqual(try XCTUnwrap(plot.pixel(x: -1, y: 0.5)).row, 30)
        XCTAssertEqual(decoded.pixel(column: 50, row: 30), real)
        XCTAssertEqual(decoded.pixel(column: 51, row: 30), real, "dots have a radius")
        let (column, row) = try XCTUnwrap(plot.pixel(x: 1.5, y: -0.5))
        XCTAssertEqual(decoded.pixel(column: column, row: row), real)
        XCTAssertEqual(decoded.pixel(column: 100, row: 60), generated)
        XCTAssertEqual(decoded.pixel(column: 101, row: 60), [255, 255, 255], "radius 0 is one pixel on white")
        let frame = [PlotColor.frame.red, PlotColor.frame.green, PlotColor.frame.blue]
        XCTAssertEqual(decoded.pixel(column: 0, row: 77), frame)
        XCTAssertEqual(decoded.pixel(column: 199, row: 119), frame)
        XCTAssertNil(plot.pixel(x: 3, y: 0), "outside the range")
    }

    func testFittedRangeHoldsEveryPointWithEqualUnitsPerPixel() throws {
        var plot = ScatterPlot(width: 300, height: 150)
        let points = ToyMixture(kind: .ring, seed: 0).batch(at: Array(0..<200))
        try plot.add(points: points, color: .generated)
        let range = plot.resolvedRange
        XCTAssertEqual((range.x.upperBound - range.x.lowerBound) / 300, (range.y.upperBound - range.y.lowerBound) / 150, accuracy: 1e-6)
        let values = points.scalars
        for k in 0..<200 {
            XCTAssertNotNil(plot.pixel(x: values[2 * k], y: values[2 * k + 1]))
        }
        XCTAssertLessThan(range.y.upperBound, 1.5, "the fit is tight: ring radius 1 plus a margin")
        let decoded = try DecodedPNG(plot.render().encoded())
        XCTAssertEqual(decoded.width, 300)
        XCTAssertEqual(decoded.height, 150)
    }

    func testHeatMapIsDrawnUnderThePointsAsAColourRamp() throws {
        var plot = ScatterPlot(width: 64, height: 64, range: PlotRange(x: 0...1, y: 0...1))
        plot.heatMap = { x, _ in x }
        plot.heatMapCells = 16
        try plot.add(points: [[0.5, 0.5]], color: .generated, radius: 0)
        let decoded = try DecodedPNG(plot.render().encoded())
        let low = ColorRamp.pale.color(at: 0)
        let high = ColorRamp.pale.color(at: 1)
        XCTAssertEqual(decoded.pixel(column: 1, row: 30), [low.red, low.green, low.blue], "leftmost cell has the lowest value")
        XCTAssertEqual(decoded.pixel(column: 62, row: 30), [high.red, high.green, high.blue], "rightmost cell has the highest value")
        XCTAssertEqual(decoded.pixel(column: 32, row: 32), [PlotColor.generated.red, PlotColor.generated.green, PlotColor.generated.blue])
        XCTAssertEqual(ColorRamp.pale.color(at: 0.5), .white)
    }

    func testPointsThatAreNotTwoDimensionalThrowInsteadOfTrapping() {
        var plot = ScatterPlot(width: 64, height: 64)
        XCTAssertThrowsError(try plot.add(points: Tensor.zeros([5, 3]), color: .real)) { error in
            XCTAssertEqual(error as? PictureError, .undrawable(shape: [5, 3], expected: "[N, 2] points"))
        }
        XCTAssertThrowsError(try plot.add(points: [[0, 1], [2]], color: .real))
        XCTAssertTrue(plot.series.isEmpty, "nothing was added")
    }

    func testPointsSoLargeThatFloatsCannotSpanThemStillRender() throws {
        // A diverged generator: every point at 3e38 (finite, but no float lies between x ± a margin).
        var plot = ScatterPlot(width: 64, height: 64)
        try plot.add(points: Tensor(shape: [2, 2], scalars: [3e38, 3e38, 3e38, 3e38]), color: .generated)
        let range = plot.resolvedRange
        XCTAssertLessThan(range.x.lowerBound, range.x.upperBound)
        XCTAssertLessThan(range.y.lowerBound, range.y.upperBound)
        XCTAssertEqual(try DecodedPNG(plot.render().encoded()).width, 64)
    }
}
