import Autograd
import Foundation
import GAN
import XCTest

/// The relative KID test against the reference implementation's NumPy numbers, and
/// the learning-rate schedule's bookkeeping.
final class KIDScheduleTests: XCTestCase {
    /// m rows of d values sin((i·d + j)·1.7 + offset) + shift, in Float.
    private func features(_ m: Int = 40, _ d: Int = 3, offset: Double, shift: Float) -> Tensor {
        Tensor(shape: [m, d], scalars: (0..<(m * d)).map { Float(sin(Double($0) * 1.7 + offset)) + shift })
    }

    private var real: Tensor { features(offset: 0, shift: 0) }

    func testTheRelativeTestMatchesTheReferenceImplementation() throws {
        // mbinkowski/MMD-GAN gan/core/mmd.py, np_diff_polynomial_mmd2_and_ratio_with_saving(X, Y, sums of Z),
        // run in NumPy (float64) on these Float32 features.
        let y = try KIDSums(real: real, generated: features(offset: 0.5, shift: 0.2))
        let z = try KIDSums(real: real, generated: features(offset: 1.0, shift: 0.4))
        let (difference, statistic) = KIDThreeSampleTest.compare(newer: y, older: z)
        XCTAssertEqual(difference, -0.502213280973062, accuracy: 1e-5)
        XCTAssertEqual(statistic, -33.89648509915946, accuracy: 1e-3)
        let (back, reversed) = KIDThreeSampleTest.compare(newer: z, older: y)
        XCTAssertEqual(back, -difference, accuracy: 1e-9)
        XCTAssertEqual(reversed, -statistic, accuracy: 1e-6)
        XCTAssertLessThan(KIDThreeSampleTest.pValue(statistic), 1e-6)
        XCTAssertEqual(KIDThreeSampleTest.pValue(0), 0.5, accuracy: 1e-12)
        XCTAssertEqual(KIDThreeSampleTest.pValue(-1.2815515655446004), 0.1, accuracy: 1e-9)
    }

    func testSumsRejectSetsOfDifferentSizesOrWidths() {
        XCTAssertThrowsError(try KIDSums(real: real, generated: features(30, offset: 1, shift: 0)))
        XCTAssertThrowsError(try KIDSums(real: real, generated: features(40, 2, offset: 1, shift: 0)))
    }

    func testTheScheduleRemembersThenSlidesOnImprovementAndDecaysAfterPatienceMisses() throws {
        let far = features(offset: 2, shift: 2)
        let far2 = features(offset: 3, shift: 2)
        let near = features(offset: 0.5, shift: 0)
        let farther = features(offset: 4, shift: 4)
        var schedule = KIDLearningRateSchedule(memoryLength: 2, patience: 2)
        XCTAssertEqual(try schedule.record(real: real, generated: far), .remembered)
        XCTAssertEqual(try schedule.record(real: real, generated: far2), .remembered)
        guard case .improved(let p) = try schedule.record(real: real, generated: near) else { return XCTFail("near data after far samples is an improvement") }
        XCTAssertLessThanOrEqual(p, 0.1)
        XCTAssertEqual(schedule.memory.map(\.scalars), [far2.scalars, near.scalars], "the window slid")
        guard case .missed(_, let misses) = try schedule.record(real: real, generated: farther) else { return XCTFail("farther is a miss") }
        XCTAssertEqual(misses, 1)
        XCTAssertEqual(schedule.memory.map(\.scalars), [far2.scalars, near.scalars], "a miss keeps the window")
        guard case .decay = try schedule.record(real: real, generated: farther) else { return XCTFail("the second miss decays") }
        XCTAssertEqual(schedule.misses, 0)
        XCTAssertEqual(schedule.memory.map(\.scalars), [near.scalars, farther.scalars], "a decay keeps the newest `patience` sets")
    }

    func testAScheduleRebuiltFromItsStateDecidesAsTheOriginal() throws {
        var original = KIDLearningRateSchedule(memoryLength: 2, patience: 2)
        for offset in [2.0, 3.0] { _ = try original.record(real: real, generated: features(offset: offset, shift: 2)) }
        _ = try original.record(real: real, generated: features(offset: 4, shift: 4))
        var rebuilt = KIDLearningRateSchedule(memoryLength: 2, patience: 2, memory: original.memory, misses: original.misses)
        let next = features(offset: 5, shift: 4)
        XCTAssertEqual(try rebuilt.record(real: real, generated: next), try original.record(real: real, generated: next))
    }
}
