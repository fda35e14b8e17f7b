import Autograd
import GAN
import XCTest

/// Row sorting, the Monte Carlo sliced Wasserstein estimate and the CLT approximation:
/// values against direct computations, gradients against finite differences.
final class SlicedWassersteinTests: XCTestCase {
    /// Rows whose entries are at least 0.1 apart, in scrambled order (finite differences of
    /// step 0.01 then never swap two entries).
    private func separatedRows(rows: Int, columns: Int, salt: Int) -> Tensor {
        let noise = normals([rows, columns], salt: salt, scale: 0.02).scalars
        var values: [Float] = []
        for r in 0..<rows {
            let order = (0..<columns).map { ($0 * 7 + r * 3) % columns }
            values += order.enumerated().map { k, rank in Float(rank) * 0.3 - 1 + noise[r * columns + k] }
        }
        return Tensor(shape: [rows, columns], scalars: values)
    }

    func testSortedRowsSortsEachRowAndTheInverseUndoesIt() {
        let x = Tensor(shape: [2, 5], scalars: [3, -1, 0.5, -0.0, -7, 2, 2, -3, 1e-3, 9])
        XCTAssertEqual(x.sortedRows().scalars, [-7, -1, -0.0, 0.5, 3, -3, 1e-3, 2, 2, 9])
        let permutation = RowPermutation.sorting(x)
        XCTAssertEqual(permutation.source, [4, 1, 3, 2, 0, 2, 3, 0, 1, 4], "ties keep their column order")
        XCTAssertEqual(x.permutedWithinRows(permutation).permutedWithinRows(permutation.inverse).scalars, x.scalars)
    }

    /// The radix sort against the library's comparison sort of (value, column) pairs, on
    /// rows long enough to use every byte pass, with repeated values, both zeros, both
    /// signs and magnitudes from 1e-30 to 1e30.
    func testSortingMatchesAComparisonSortOnLongRowsWithTies() {
        let columns = 300
        let magnitudes: [Float] = [1e-30, 1e-3, 0.5, 1, 3, 1e4, 1e30]
        var values: [Float] = []
        for k in 0..<(3 * columns) {
            let draw = (k * 7919 + 13) % 1009
            let value: Float = draw % 11 == 0 ? 2.5 : magnitudes[draw % magnitudes.count] * Float(draw) / 1009
            values.append(draw % 3 == 0 ? -value : (draw % 17 == 0 ? -0.0 : value))
        }
        let x = Tensor(shape: [3, columns], scalars: values)
        let source = RowPermutation.sorting(x).source
        for r in 0..<3 {
            let row = Array(values[(r * columns)..<((r + 1) * columns)])
            let expected = row.indices.sorted { a, b in
                row[a] != row[b] ? row[a] < row[b] : (row[a].sign != row[b].sign ? row[a].sign == .minus : a < b)
            }
            XCTAssertEqual(source[(r * columns)..<((r + 1) * columns)].map(Int.init), expected, "row \(r)")
        }
        XCTAssertEqual(RowPermutation.sorting(Tensor(shape: [2, 1], scalars: [4, -4])).source, [0, 0])
    }

    func testSortedRowsGradientsMatchFiniteDifferencesToSecondOrder() {
        let x = separatedRows(rows: 3, columns: 6, salt: 1)
        let check = TransportGradientCheck(name: "sortedRows")
        check.verify([x]) { $0[0].sortedRows() }
        check.verifySecondOrder([x]) { $0[0].sortedRows().square() }
    }

    func testDirectionsAreUnitVectorsAndAnyShareIsTheSameDraw() {
        let stream = RandomStream(seed: 3, purpose: "sw.directions", step: 5)
        let all = SlicedWasserstein.directions(stream, rows: 0..<10, dimension: 4)
        let share = SlicedWasserstein.directions(stream, rows: 6..<9, dimension: 4)
        XCTAssertEqual(share.scalars, Array(all.scalars[24..<36]))
        for row in 0..<10 {
            let norm = all.scalars[(row * 4)..<(row * 4 + 4)].reduce(Float(0)) { $0 + $1 * $1 }
            XCTAssertEqual(norm, 1, accuracy: 1e-5)
        }
        XCTAssertNotEqual(SlicedWasserstein.directions(RandomStream(seed: 3, purpose: "sw.directions", step: 6), rows: 0..<10, dimension: 4).scalars, all.scalars)
    }

    func testMonteCarloShareIsTheMeanSquaredGapOfSortedProjections() {
        // Two directions in the plane, the axes: SW² = (1/(n·2)) Σ over both axes of the sorted gaps².
        let x = Tensor(shape: [3, 2], scalars: [0, 5, 2, 1, 1, 3])
        let y = Tensor(shape: [3, 2], scalars: [4, 0, -1, 2, 3, 8])
        let axes = Tensor(shape: [2, 2], scalars: [1, 0, 0, 1])
        // Axis 0: sorted x 0,1,2 vs y -1,3,4 → 1+4+4 = 9; axis 1: 1,3,5 vs 0,2,8 → 1+1+9 = 11.
        XCTAssertEqual(SlicedWasserstein.monteCarloShare(x, y, directions: axes, totalDirections: 2).item, 20 / 6, accuracy: 1e-5)
        // Shares over disjoint directions add up to the whole estimate.
        let first = SlicedWasserstein.monteCarloShare(x, y, directions: axes.slice(axis: 0, 0..<1), totalDirections: 2)
        let second = SlicedWasserstein.monteCarloShare(x, y, directions: axes.slice(axis: 0, 1..<2), totalDirections: 2)
        XCTAssertEqual(first.item + second.item, 20 / 6, accuracy: 1e-5)
        XCTAssertEqual(SlicedWasserstein.monteCarloShare(x, y, directions: Tensor.zeros([0, 2]), totalDirections: 2).item, 0)
    }

    func testMonteCarloGradientsMatchFiniteDifferences() {
        let directions = SlicedWasserstein.directions(RandomStream(seed: 1, purpose: "d"), rows: 0..<3, dimension: 2)
        let x = Tensor(shape: [4, 2], scalars: [0, 0, 1.1, 0.2, 0.3, 2.3, 2.9, 1.4])
        let y = Tensor(shape: [4, 2], scalars: [0.5, -1, -1.2, 0.7, 2.2, 2.6, 1.7, -0.4])
        for points in [x, y] {
            let projected = matmul(directions, points, transposeB: true)
            for row in 0..<3 {
                let sorted = projected.scalars[(row * 4)..<(row * 4 + 4)].sorted()
                // Steps of at most 0.01 move a projection by at most 0.01: no two can swap.
                XCTAssertGreaterThan(zip(sorted.dropFirst(), sorted).map { $0 - $1 }.min() ?? 0, 0.025, "setup: projections must be well apart")
            }
        }
        TransportGradientCheck(name: "monte carlo").verify([x, y]) {
            SlicedWasserstein.monteCarloShare($0[0], $0[1], directions: directions, totalDirections: 3)
        }
    }

    func testCLTApproximationEqualsTheCentredFormulaOfTheReference() {
        let x = normals([7, 3], salt: 2, scale: 1.5)
        let y = normals([5, 3], salt: 3, scale: 0.5) + 0.4
        let value = SlicedWasserstein.cltSquared(SlicedWasserstein.momentSums(x), count: 7, SlicedWasserstein.momentSums(y), count: 5).item
        // fast_sw's clt_sw in double precision: means, then mean ‖x − m‖² / d.
        func moments(_ t: Tensor) -> (mean: [Double], gamma: Double) {
            let (n, d) = (t.shape[0], t.shape[1])
            let v = t.scalars.map(Double.init)
            let mean = (0..<d).map { j in (0..<n).reduce(0.0) { $0 + v[$1 * d + j] } / Double(n) }
            let spread = (0..<n).reduce(0.0) { total, i in total + (0..<d).reduce(0.0) { $0 + (v[i * d + $1] - mean[$1]) * (v[i * d + $1] - mean[$1]) } }
            return (mean, spread / Double(n) / Double(d))
        }
        let (mx, my) = (moments(x), moments(y))
        let meanTerm = zip(mx.mean, my.mean).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / 3
        let expected = meanTerm + (mx.gamma.squareRoot() - my.gamma.squareRoot()) * (mx.gamma.squareRoot() - my.gamma.squareRoot())
        XCTAssertEqual(Double(value), expected, accuracy: 1e-5 * max(1, expected))
        XCTAssertGreaterThan(expected, 0.1)
    }

    func testCLTGradientsMatchFiniteDifferencesToSecondOrder() {
        let x = normals([6, 3], salt: 4)
        let y = normals([6, 3], salt: 5, scale: 2) + 1
        let check = TransportGradientCheck(name: "clt")
        let loss: ([Tensor]) -> Tensor = {
            SlicedWasserstein.cltSquared(SlicedWasserstein.momentSums($0[0]), count: 6, SlicedWasserstein.momentSums($0[1]), count: 6)
        }
        check.verify([x, y], loss)
        check.verifySecondOrder([x, y], loss)
    }
}
