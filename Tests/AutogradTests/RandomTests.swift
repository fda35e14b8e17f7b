import XCTest

@testable import Autograd

/// RandomStream: a pure function of (seed, purpose, step, row), with the
/// distributions it promises.
final class RandomTests: XCTestCase {
    private let stream = RandomStream(seed: 42, purpose: "z", step: 3)

    private func bits(_ t: Tensor) -> [UInt32] { t.scalars.map(\.bitPattern) }

    func testSameSeedPurposeAndStepGiveBitwiseIdenticalTensors() {
        let again = RandomStream(seed: 42, purpose: "z", step: 3)
        XCTAssertEqual(bits(stream.normal(rows: 5, columns: 7)), bits(again.normal(rows: 5, columns: 7)))
        XCTAssertEqual(bits(stream.uniform(rows: 5, columns: 7)), bits(again.uniform(rows: 5, columns: 7)))
        XCTAssertEqual(stream.integers(below: 1000, at: 0..<20), again.integers(below: 1000, at: 0..<20))
        XCTAssertEqual(stream, again)
    }

    func testARowDoesNotDependOnTheBatchItSitsIn() {
        let whole = stream.normal(rows: 10, columns: 6)
        let part = stream.normal(rows: 3, columns: 6, firstRow: 6)
        XCTAssertEqual(bits(whole.slice(axis: 0, 7..<8)), bits(part.slice(axis: 0, 1..<2)))
        XCTAssertEqual(bits(whole.slice(axis: 0, 6..<9)), bits(part))
        let uniformWhole = stream.uniform(rows: 10, columns: 5)
        XCTAssertEqual(bits(uniformWhole.slice(axis: 0, 4..<10)), bits(stream.uniform(rows: 6, columns: 5, firstRow: 4)))
        XCTAssertEqual(stream.integers(below: 97, at: 5..<9), Array(stream.integers(below: 97, at: 0..<12)[5..<9]))
    }

    func testAWiderDrawExtendsANarrowerOneOfTheSameRow() {
        // Columns come from consecutive Philox blocks, so the first columns do not depend on the width.
        let narrow = stream.normal(rows: 2, columns: 3)
        let wide = stream.normal(rows: 2, columns: 9)
        XCTAssertEqual(bits(narrow), bits(wide).enumerated().filter { $0.offset % 9 < 3 }.map(\.element))
    }

    func testDifferentPurposesStepsAndSeedsGiveDifferentNumbers() {
        let reference = bits(stream.normal(rows: 4, columns: 4))
        let others = [
            RandomStream(seed: 42, purpose: "alpha", step: 3), RandomStream(seed: 42, purpose: "z", step: 4),
            RandomStream(seed: 43, purpose: "z", step: 3), RandomStream(seed: 42, purpose: "z ", step: 3),
            RandomStream(seed: 42, purpose: "z", step: -3),
        ]
        for other in others {
            let values = bits(other.normal(rows: 4, columns: 4))
            // Not merely unequal: no element in common.
            XCTAssertEqual(zip(values, reference).filter { $0 == $1 }.count, 0, "\(other)")
        }
        XCTAssertNotEqual(bits(stream.normal(rows: 1, columns: 8, firstRow: 0)), bits(stream.normal(rows: 1, columns: 8, firstRow: 1)))
    }

    func testNormalDrawsHaveZeroMeanAndUnitStandardDeviation() {
        let values = stream.normal(rows: 1000, columns: 100).scalars.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        // Standard errors over 100k samples: 0.003 for the mean, 0.0045 for the std.
        XCTAssertEqual(mean, 0, accuracy: 0.015)
        XCTAssertEqual(variance.squareRoot(), 1, accuracy: 0.015)
        let within1 = Double(values.filter { Swift.abs($0) < 1 }.count) / Double(values.count)
        XCTAssertEqual(within1, 0.6827, accuracy: 0.01)
        XCTAssertTrue(values.allSatisfy(\.isFinite))
    }

    func testUniformDrawsLieInTheUnitIntervalAndFillItEvenly() {
        let values = stream.uniform(rows: 1000, columns: 100).scalars
        XCTAssertTrue(values.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        XCTAssertEqual(mean, 0.5, accuracy: 0.005)
        var histogram = [Int](repeating: 0, count: 10)
        for v in values { histogram[Int(v * 10)] += 1 }
        for bucket in histogram { XCTAssertEqual(Double(bucket), 10_000, accuracy: 500) }
    }

    func testIntegersStayBelowTheBound() {
        let values = stream.integers(below: 7, at: 0..<7000)
        XCTAssertTrue(values.allSatisfy { $0 < 7 })
        XCTAssertEqual(Set(values).count, 7)
    }

    func testPhiloxMatchesThePublishedKnownAnswer() {
        // Random123's known-answer test for Philox4x32-10: counter 0 and key 0.
        let zero = Philox(key: 0).block((0, 0, 0, 0))
        XCTAssertEqual([zero.0, zero.1, zero.2, zero.3], [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
        let ones = Philox(key: 0xffff_ffff_ffff_ffff).block((0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff))
        XCTAssertEqual([ones.0, ones.1, ones.2, ones.3], [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
        // The digits-of-pi vector; the key's low word is k0.
        let pi = Philox(key: 0x299f_31d0_a409_3822).block((0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344))
        XCTAssertEqual([pi.0, pi.1, pi.2, pi.3], [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1])
    }
}
