import NN
import XCTest

final class LearningRateScheduleTests: XCTestCase {
    func testConstantKeepsTheBaseRate() {
        XCTAssertEqual(LearningRateSchedule.constant.rate(base: 1e-4, step: 0), 1e-4)
        XCTAssertEqual(LearningRateSchedule.constant.rate(base: 1e-4, step: 1_000_000), 1e-4)
    }

    func testLinearDecayInterpolatesBetweenStartAndEnd() {
        let schedule = LearningRateSchedule.linearDecay(startStep: 100, endStep: 200, finalFactor: 0)
        XCTAssertEqual(schedule.rate(base: 2, step: 0), 2)
        XCTAssertEqual(schedule.rate(base: 2, step: 100), 2)
        XCTAssertEqual(schedule.rate(base: 2, step: 125), 1.5, accuracy: 1e-6)
        XCTAssertEqual(schedule.rate(base: 2, step: 150), 1, accuracy: 1e-6)
        XCTAssertEqual(schedule.rate(base: 2, step: 200), 0)
        XCTAssertEqual(schedule.rate(base: 2, step: 500), 0)
        let toTenth = LearningRateSchedule.linearDecay(startStep: 0, endStep: 10, finalFactor: 0.1)
        XCTAssertEqual(toTenth.rate(base: 1, step: 5), 0.55, accuracy: 1e-6)
        XCTAssertEqual(toTenth.rate(base: 1, step: 10), 0.1, accuracy: 1e-7)
    }
}
