import Autograd
import GAN
import XCTest

final class EvaluationEnergyDistanceTests: XCTestCase {
    func testTinyOneDimensionalSetsMatchTheHandComputedEstimate() throws {
        // X = {0, 1}, Y = {3, 5}: E|X−Y| = (3 + 5 + 2 + 4)/4 = 3.5, E|X−X'| = 1, E|Y−Y'| = 2.
        let x = Tensor(shape: [2, 1], scalars: [0, 1])
        let y = Tensor(shape: [2, 1], scalars: [3, 5])
        XCTAssertEqual(try energyDistance(x, y), 2 * 3.5 - 1 - 2, accuracy: 1e-12)
    }

    func testTinyTwoDimensionalSetsUseEuclideanDistances() throws {
        // X = {(0,0), (3,4)}, Y = {(0,0), (0,1), (0,2)}.
        let x = Tensor(shape: [2, 2], scalars: [0, 0, 3, 4])
        let y = Tensor(shape: [3, 2], scalars: [0, 0, 0, 1, 0, 2])
        let cross = (0 + 1 + 2 + 5 + 18.0.squareRoot() + 13.0.squareRoot()) / 6
        let withinX = 5.0  // one pair, counted both ways over 2·1 ordered pairs
        let withinY = (1 + 2 + 1.0) * 2 / 6
        XCTAssertEqual(try energyDistance(x, y), 2 * cross - withinX - withinY, accuracy: 1e-9)
    }

    func testTwoHalvesOfOneSampleAreAtNearlyZeroDistance() throws {
        let sample = RandomStream(seed: 3, purpose: "test.energy").normal(rows: 400, columns: 2)
        let distance = try energyDistance(sample.slice(axis: 0, 0..<200), sample.slice(axis: 0, 200..<400))
        XCTAssertEqual(distance, 0, accuracy: 0.05)
    }

    func testShiftedSetsAreClearlyApart() throws {
        let stream = RandomStream(seed: 4, purpose: "test.energy")
        let x = stream.normal(rows: 200, columns: 2)
        let y = stream.normal(rows: 200, columns: 2, firstRow: 200) + Tensor(shape: [1, 2], scalars: [2, 0])
        // For N(0, I) against N((2, 0), I) the population value is about 1.45.
        XCTAssertEqual(try energyDistance(x, y), 1.45, accuracy: 0.3)
    }

    func testBadInputsAreRejectedWithTheirShapes() {
        let one = Tensor(shape: [1, 2], scalars: [0, 0])
        let two = Tensor(shape: [2, 2], scalars: [0, 0, 1, 1])
        XCTAssertThrowsError(try energyDistance(one, two)) {
            XCTAssertEqual($0 as? EvaluationError, .tooFewSamples(input: "first sample set", found: 1, minimum: 2))
        }
        XCTAssertThrowsError(try energyDistance(two, Tensor(shape: [2, 3], scalars: [0, 0, 0, 1, 1, 1])))
        XCTAssertThrowsError(try energyDistance(Tensor([1, 2, 3]), two)) {
            XCTAssertEqual("\($0)", "first sample set: shape [3], expected [N, D] (one sample per row)")
        }
    }
}
