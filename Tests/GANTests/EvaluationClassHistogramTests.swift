import Foundation
import GAN
import XCTest

final class EvaluationClassHistogramTests: XCTestCase {
    func testMatchingProportionsGiveZeroDivergence() throws {
        let generated = try ClassCounts(counts: [10, 10, 10])
        let data = try ClassCounts(counts: [100, 100, 100])
        XCTAssertEqual(try classHistogramDivergence(generated: generated, data: data), 0, accuracy: 1e-12)
    }

    func testHandMadeHistogramsGiveExactValues() throws {
        // p = (¾, ¼, 0, 0), q uniform: KL = ¾ log 3 + ¼ log 1, empty generated classes adding 0.
        let collapsed = try classHistogramDivergence(
            generated: ClassCounts(counts: [3, 1, 0, 0]), data: ClassCounts(counts: [1, 1, 1, 1]), dataPseudocount: 0)
        XCTAssertEqual(collapsed, 0.75 * log(3.0), accuracy: 1e-12)
        // The data lacks class 1; a pseudocount of 1 makes q = (¾, ¼): KL = ½ log(⅔) + ½ log 2 = ½ log(4/3).
        let smoothed = try classHistogramDivergence(generated: ClassCounts(counts: [1, 1]), data: ClassCounts(counts: [2, 0]))
        XCTAssertEqual(smoothed, 0.5 * log(4.0 / 3.0), accuracy: 1e-12)
        let unsmoothed = try classHistogramDivergence(
            generated: ClassCounts(counts: [1, 1]), data: ClassCounts(counts: [2, 0]), dataPseudocount: 0)
        XCTAssertEqual(unsmoothed, .infinity)
    }

    func testCountsOfShardsAddUpToCountsOfTheirUnion() throws {
        let first = try ClassCounts(labels: [0, 1, 1], classes: 3)
        let second = try ClassCounts(labels: [2, 2, 1], classes: 3)
        XCTAssertEqual(first + second, try ClassCounts(labels: [0, 1, 1, 2, 2, 1], classes: 3))
        XCTAssertEqual((first + second).counts, [1, 3, 2])
        XCTAssertEqual((first + second).total, 6)
    }

    func testBadCountsThrow() throws {
        XCTAssertThrowsError(try ClassCounts(labels: [0, 3], classes: 3)) {
            XCTAssertEqual("\($0)", "class label is 3, expected 0...2")
        }
        XCTAssertThrowsError(try ClassCounts(counts: [1, -1]))
        XCTAssertThrowsError(
            try classHistogramDivergence(generated: ClassCounts(counts: [0, 0]), data: ClassCounts(counts: [1, 1])))
        XCTAssertThrowsError(
            try classHistogramDivergence(generated: ClassCounts(counts: [1, 0]), data: ClassCounts(counts: [1, 1, 1])))
    }
}
