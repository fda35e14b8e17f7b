import Autograd
import Data
import Foundation
import XCTest

final class ToyMixtureTests: XCTestCase {
    /// Draws `n` points and groups them by nearest mode.
    private func pointsByNearestMode(_ mixture: ToyMixture, n: Int) throws -> [[(Float, Float)]] {
        let modes = try XCTUnwrap(mixture.modes)
        let values = mixture.batch(at: Array(0..<n)).scalars
        var groups = [[(Float, Float)]](repeating: [], count: modes.count)
        for k in 0..<n {
            let (x, y) = (values[2 * k], values[2 * k + 1])
            let nearest = modes.indices.min { a, b in
                hypot(modes[a][0] - x, modes[a][1] - y) < hypot(modes[b][0] - x, modes[b][1] - y)
            }!
            groups[nearest].append((x, y))
        }
        return groups
    }

    private func assertModesMatch(_ kind: ToyMixture.Kind, modeCount: Int, std: Float, file: StaticString = #filePath, line: UInt = #line) throws {
        let mixture = ToyMixture(kind: kind, seed: 7)
        let modes = try XCTUnwrap(mixture.modes)
        XCTAssertEqual(modes.count, modeCount, file: file, line: line)
        XCTAssertEqual(try XCTUnwrap(mixture.modeStd), std, accuracy: 1e-6, file: file, line: line)
        let n = 20_000
        let groups = try pointsByNearestMode(mixture, n: n)
        let expectedPerMode = Double(n) / Double(modeCount)
        for (mode, points) in groups.enumerated() {
            // Mode choice is uniform: counts within 5 binomial standard deviations.
            let spread = (expectedPerMode * (1 - 1 / Double(modeCount))).squareRoot()
            XCTAssertEqual(Double(points.count), expectedPerMode, accuracy: 5 * spread, "mode \(mode) count", file: file, line: line)
            let count = Float(points.count)
            let meanX = points.map(\.0).reduce(0, +) / count
            let meanY = points.map(\.1).reduce(0, +) / count
            XCTAssertEqual(meanX, modes[mode][0], accuracy: 5 * std / count.squareRoot(), "mode \(mode) mean x", file: file, line: line)
            XCTAssertEqual(meanY, modes[mode][1], accuracy: 5 * std / count.squareRoot(), "mode \(mode) mean y", file: file, line: line)
            let varianceX = points.map { ($0.0 - meanX) * ($0.0 - meanX) }.reduce(0, +) / (count - 1)
            let varianceY = points.map { ($0.1 - meanY) * ($0.1 - meanY) }.reduce(0, +) / (count - 1)
            XCTAssertEqual(varianceX.squareRoot(), std, accuracy: 0.12 * std, "mode \(mode) std x", file: file, line: line)
            XCTAssertEqual(varianceY.squareRoot(), std, accuracy: 0.12 * std, "mode \(mode) std y", file: file, line: line)
        }
    }

    func testEightGaussiansHaveCentresOnRadiusTwoDividedBy1414AndStd002() throws {
        try assertModesMatch(.eightGaussians, modeCount: 8, std: 0.02 / 1.414)
        let modes = try XCTUnwrap(ToyMixture(kind: .eightGaussians, seed: 0).modes)
        XCTAssertEqual(modes[0][0], 2 / 1.414, accuracy: 1e-6)
        XCTAssertEqual(modes[4][0], Float(2 / 2.0.squareRoot() / 1.414), accuracy: 1e-6)
        XCTAssertEqual(modes[4][1], Float(2 / 2.0.squareRoot() / 1.414), accuracy: 1e-6)
        for mode in modes { XCTAssertEqual(hypot(mode[0], mode[1]), 2 / 1.414, accuracy: 1e-5) }
    }

    func testTwentyFiveGaussiansSitOnEvenGridDividedBy2828WithStd005() throws {
        try assertModesMatch(.twentyFiveGaussians, modeCount: 25, std: 0.05 / 2.828)
        let modes = try XCTUnwrap(ToyMixture(kind: .twentyFiveGaussians, seed: 0).modes)
        XCTAssertEqual(Set(modes.map { $0[0] * 2.828 }.map { Int($0.rounded()) }), [-4, -2, 0, 2, 4])
    }

    func testRingHasEightModesOnUnitCircleWithStd001() throws {
        try assertModesMatch(.ring, modeCount: 8, std: 0.01)
        for mode in try XCTUnwrap(ToyMixture(kind: .ring, seed: 0).modes) {
            XCTAssertEqual(hypot(mode[0], mode[1]), 1, accuracy: 1e-6)
        }
    }

    func testGaussianCircleHasEightModesAtRadiusTwoFromTheTopWithStd02() throws {
        try assertModesMatch(.gaussianCircle, modeCount: 8, std: 0.2)
        let modes = try XCTUnwrap(ToyMixture(kind: .gaussianCircle, seed: 0).modes)
        XCTAssertEqual(modes[0], [0, 2])
        XCTAssertEqual(modes[2][0], 2, accuracy: 1e-6)
        for mode in modes { XCTAssertEqual(hypot(mode[0], mode[1]), 2, accuracy: 1e-6) }
    }

    func testGridHasTwentyFiveModesAtEvenCoordinatesWithStd005() throws {
        try assertModesMatch(.grid, modeCount: 25, std: 0.05)
        let modes = try XCTUnwrap(ToyMixture(kind: .grid, seed: 0).modes)
        XCTAssertEqual(Set(modes.map { $0[1] }), [-4, -2, 0, 2, 4])
    }

    func testSwissRollRadiusFollowsTheRollParameterAndStaysInRange() throws {
        let mixture = ToyMixture(kind: .swissRoll, seed: 3)
        XCTAssertNil(mixture.modes)
        XCTAssertNil(mixture.modeStd)
        let n = 20_000
        let values = mixture.batch(at: Array(0..<n)).scalars
        var radiusSum: Double = 0
        for k in 0..<n {
            let (x, y) = (values[2 * k], values[2 * k + 1])
            XCTAssertLessThan(abs(x), 2.3)
            XCTAssertLessThan(abs(y), 2.3)
            // Before the division by 7.5 the radius is t (plus noise 0.25), with t in [1.5π, 4.5π].
            let radius = Double(hypot(x, y)) * 7.5
            XCTAssertGreaterThan(radius, 1.5 * Double.pi - 1.5)
            XCTAssertLessThan(radius, 4.5 * Double.pi + 1.5)
            radiusSum += radius
        }
        // E[t] = 3π; the standard error of the mean is about 2.7 / √20000 ≈ 0.02.
        XCTAssertEqual(radiusSum / Double(n), 3 * Double.pi, accuracy: 0.1)
    }

    func testSampleIsPureFunctionOfSeedAndIndex() {
        for kind in ToyMixture.Kind.allCases {
            let mixture = ToyMixture(kind: kind, seed: 11)
            let full = mixture.batch(at: Array(0..<10)).scalars
            XCTAssertEqual(mixture.batch(at: [5, 6]).scalars, Array(full[10..<14]), kind.rawValue)
            XCTAssertEqual(mixture.batch(at: [7, 2, 9]).scalars, [full[14], full[15], full[4], full[5], full[18], full[19]], kind.rawValue)
            XCTAssertEqual(ToyMixture(kind: kind, seed: 11).batch(at: Array(0..<10)).scalars, full, "a second instance agrees")
        }
    }

    func testEightGaussiansRowIsCentrePlusScaledNoiseFromItsStream() throws {
        let mixture = ToyMixture(kind: .eightGaussians, seed: 5)
        let stream = RandomStream(seed: 5, purpose: "data.8gaussians")
        let modes = try XCTUnwrap(mixture.modes)
        let drawn = mixture.batch(at: [42]).scalars
        let choice = stream.integers(below: 1 << 53, at: 42..<43)[0]
        let noise = stream.normal(rows: 1, columns: 3, firstRow: 42).scalars
        let centre = modes[Int(choice % 8)]
        XCTAssertEqual(drawn[0], centre[0] + 0.02 * noise[0] / 1.414, accuracy: 1e-6)
        XCTAssertEqual(drawn[1], centre[1] + 0.02 * noise[1] / 1.414, accuracy: 1e-6)
    }

    func testConcurrentBatchesMatchASerialDraw() {
        let mixture = ToyMixture(kind: .twentyFiveGaussians, seed: 8)
        let serial = (0..<32).map { mixture.batch(at: Array(($0 * 16)..<($0 * 16 + 16))).scalars }
        DispatchQueue.concurrentPerform(iterations: 32) { k in
            XCTAssertEqual(mixture.batch(at: Array((k * 16)..<(k * 16 + 16))).scalars, serial[k])
        }
    }

    func testDifferentSeedsGiveDifferentSamples() {
        for kind in ToyMixture.Kind.allCases {
            let a = ToyMixture(kind: kind, seed: 1).batch(at: Array(0..<16)).scalars
            let b = ToyMixture(kind: kind, seed: 2).batch(at: Array(0..<16)).scalars
            XCTAssertNotEqual(a, b, kind.rawValue)
        }
    }

    func testMixtureIsAnEndlessGeneratorOfTwoDimensionalPoints() throws {
        let mixture = try ToyMixture(kind: "25gaussians", seed: 0)
        XCTAssertNil(mixture.count)
        XCTAssertEqual(mixture.sampleShape, [2])
        XCTAssertEqual(mixture.name, "25gaussians")
        XCTAssertEqual(mixture.batch(at: [1_000_000_000, 3]).shape, [2, 2])
    }

    func testUnknownMixtureNameListsTheKnownOnes() {
        XCTAssertThrowsError(try ToyMixture(kind: "9gaussians", seed: 0)) { error in
            XCTAssertEqual(
                "\(error)", "toy dataset '9gaussians' is unknown, expected one of 8gaussians, 25gaussians, swissroll, ring, grid, gaussiancircle")
        }
    }
}
