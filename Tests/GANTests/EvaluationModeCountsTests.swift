import Autograd
import Foundation
import GAN
import XCTest

/// Four modes at (±1, ±1) with std 0.1: a sample is high quality within 0.3 of its nearest centre.
private func squareModes() throws -> MixtureModes {
    try MixtureModes(centres: [[1, 1], [-1, 1], [-1, -1], [1, -1]], std: 0.1)
}

private func points(_ rows: [[Float]]) -> Tensor {
    Tensor(shape: [rows.count, 2], scalars: rows.flatMap { $0 })
}

final class EvaluationModeCountsTests: XCTestCase {
    func testSamplesOnEveryModeCoverAllModesWithZeroDivergence() throws {
        let samples = points([[1.05, 1], [-1, 1.1], [-0.9, -1], [1, -1.2], [1, 1], [-1, 1], [-1, -1], [1, -1]])
        let counts = try ModeCounts(samples: samples, modes: squareModes())
        XCTAssertEqual(counts.highQualityPerMode, [2, 2, 2, 2])
        let metrics = counts.metrics()
        XCTAssertEqual(metrics.modesCovered, 4)
        XCTAssertEqual(metrics.modeCount, 4)
        XCTAssertEqual(metrics.highQualityShare, 1)
        XCTAssertEqual(metrics.klFromUniform, 0, accuracy: 1e-12)
    }

    func testMissingModeHasZeroCountAndIsNotCovered() throws {
        let samples = points([[1, 1], [-1, 1], [-1, -1]])
        let metrics = try ModeCounts(samples: samples, modes: squareModes()).metrics()
        XCTAssertEqual(metrics.modesCovered, 3)
        // p = (1/3, 1/3, 1/3, 0): KL = log 4 − log 3, the empty mode adding 0·log 0 = 0.
        XCTAssertEqual(metrics.klFromUniform, log(4.0 / 3.0), accuracy: 1e-12)
        XCTAssertEqual(try ModeCounts(samples: samples, modes: squareModes()).highQualityPerMode[3], 0)
    }

    func testSamplesFarFromEveryModeHaveZeroQualityAndWorstDivergence() throws {
        let samples = points([[10, 10], [0, 0], [-5, 3]])
        let metrics = try ModeCounts(samples: samples, modes: squareModes()).metrics()
        XCTAssertEqual(metrics.highQualityShare, 0)
        XCTAssertEqual(metrics.highQualitySamples, 0)
        XCTAssertEqual(metrics.totalSamples, 3)
        XCTAssertEqual(metrics.modesCovered, 0)
        XCTAssertEqual(metrics.klFromUniform, log(4.0), accuracy: 1e-12)
    }

    func testQualityRadiusIsThreeStandardDeviationsUnlessGiven() throws {
        // 0.29 and 0.31 from the centre (1, 1) with std 0.1: inside and outside 3σ.
        let samples = points([[1.29, 1], [1, 1.31]])
        XCTAssertEqual(try ModeCounts(samples: samples, modes: squareModes()).highQualityPerMode, [1, 0, 0, 0])
        XCTAssertEqual(
            try ModeCounts(samples: samples, modes: squareModes(), highQualityRadius: 4).highQualityPerMode, [2, 0, 0, 0])
    }

    func testHandMadeHistogramGivesExactDivergenceAndShare() throws {
        // p = (1/2, 1/4, 1/4, 0): KL = log 4 + ½ log ½ + ½ log ¼ = ½ log 2.
        let metrics = try ModeCounts(highQualityPerMode: [2, 1, 1, 0], totalSamples: 8).metrics()
        XCTAssertEqual(metrics.klFromUniform, 0.5 * log(2.0), accuracy: 1e-12)
        XCTAssertEqual(metrics.highQualityShare, 0.5)
        XCTAssertEqual(metrics.modesCovered, 3)
    }

    func testCoverageThresholdDemandsThatManySamplesPerMode() throws {
        let counts = try ModeCounts(highQualityPerMode: [5, 1, 2, 0], totalSamples: 10)
        XCTAssertEqual(counts.metrics(minimumSamplesPerMode: 2).modesCovered, 2)
        XCTAssertEqual(counts.metrics(minimumSamplesPerMode: 0).modesCovered, 3)
    }

    func testCountsOfTwoShardsAddUpToCountsOfTheirUnion() throws {
        let modes = try squareModes()
        let noise = RandomStream(seed: 7, purpose: "test.modes").normal(rows: 60, columns: 2).scalars
        let rows: [[Float]] = (0..<60).map { i in
            let centre = modes.centres[i % 3]  // the fourth mode is left empty
            return [Float(centre[0]) + 0.15 * noise[2 * i], Float(centre[1]) + 0.15 * noise[2 * i + 1]]
        }
        let union = try ModeCounts(samples: points(rows), modes: modes)
        let first = try ModeCounts(samples: points(Array(rows[..<25])), modes: modes)
        let second = try ModeCounts(samples: points(Array(rows[25...])), modes: modes)
        XCTAssertEqual(first + second, union)
        XCTAssertEqual(ModeCounts.zero(modeCount: 4) + union, union)
        XCTAssertEqual(union.totalSamples, 60)
        XCTAssertEqual(union.highQualityPerMode[3], 0)
        XCTAssertGreaterThan(union.highQualitySamples, 40)
    }

    func testFlattenedVectorsRoundTripAndSumAsCounts() throws {
        let a = try ModeCounts(highQualityPerMode: [3, 0, 1], totalSamples: 6)
        let b = try ModeCounts(highQualityPerMode: [1, 2, 0], totalSamples: 4)
        XCTAssertEqual(a.flattened, [3, 0, 1, 6])
        XCTAssertEqual(try ModeCounts(flattened: a.flattened), a)
        XCTAssertEqual(try ModeCounts(flattened: a.flattenedAsDouble), a)
        let summed = zip(a.flattenedAsDouble, b.flattenedAsDouble).map { $0 + $1 }  // what an allreduce does
        XCTAssertEqual(try ModeCounts(flattened: summed), a + b)
    }

    func testMalformedVectorsAndInputsAreRejected() throws {
        XCTAssertThrowsError(try ModeCounts(flattened: [1.5, 3])) { XCTAssertTrue("\($0)".contains("1.5")) }
        XCTAssertThrowsError(try ModeCounts(flattened: [Int64(4)]))
        XCTAssertThrowsError(try ModeCounts(flattened: [Int64(5), 1, 3]))  // 6 high quality of 3
        XCTAssertThrowsError(try ModeCounts(flattened: [Int64(-1), 3]))
        XCTAssertThrowsError(try ModeCounts(samples: Tensor(shape: [2, 3], scalars: [0, 0, 0, 1, 1, 1]), modes: squareModes())) {
            XCTAssertEqual($0 as? EvaluationError, .sizeMismatch(what: "coordinates of generated samples and of mixture modes", first: 3, second: 2))
        }
        XCTAssertThrowsError(try MixtureModes(centres: [[0, 0]], std: 0))
        XCTAssertThrowsError(try MixtureModes(centres: [[0, 0], [1]], std: 1))
    }
}
