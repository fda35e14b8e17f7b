import Autograd
import GAN
import XCTest

final class EvaluationKIDTests: XCTestCase {
    func testOneSubsetOfEveryRowMatchesNumPyReference() throws {
        // Reference: NumPy, unbiased MMD² with k(x, y) = (xᵀy/2 + 1)³ on these three points each.
        let x = Tensor(shape: [3, 2], scalars: [0, 1, 1, 0, 1, 1])
        let y = Tensor(shape: [3, 2], scalars: [0.5, 0.5, 2, 0, 0, -1])
        let kid = try KernelInceptionDistance(x, y, subsets: 1, subsetSize: 3, seed: 9)
        XCTAssertEqual(kid.mean, -1.4913194444444438, accuracy: 1e-12)
        XCTAssertEqual(kid.standardDeviation, 0)
        // With every row in the subset, the seed only reorders rows, which the estimate ignores.
        XCTAssertEqual(try KernelInceptionDistance(x, y, subsets: 3, subsetSize: 3, seed: 1).mean, kid.mean, accuracy: 1e-12)
    }

    func testSamplesOfOneDistributionScoreNearZeroAndShiftedOnesClearlyAbove() throws {
        let stream = RandomStream(seed: 10, purpose: "test.kid")
        let x = stream.normal(rows: 300, columns: 8)
        let same = stream.normal(rows: 300, columns: 8, firstRow: 300)
        let shifted = stream.normal(rows: 300, columns: 8, firstRow: 600) + 0.5
        let null = try KernelInceptionDistance(x, same, subsets: 10, subsetSize: 100, seed: 1)
        let apart = try KernelInceptionDistance(x, shifted, subsets: 10, subsetSize: 100, seed: 1)
        // NumPy simulations of these settings: |mean| ≲ 0.05 for equal distributions, ≈ 1.1 for the shift.
        XCTAssertEqual(null.mean, 0, accuracy: 0.15)
        XCTAssertGreaterThan(apart.mean, 0.5)
        XCTAssertGreaterThan(apart.mean, 5 * apart.standardDeviation / 10.0.squareRoot())
        XCTAssertEqual(apart.subsets, 10)
        XCTAssertEqual(apart.subsetSize, 100)
    }

    func testSubsetChoiceIsAFunctionOfTheSeed() throws {
        let stream = RandomStream(seed: 11, purpose: "test.kid")
        let x = stream.normal(rows: 60, columns: 3)
        let y = stream.normal(rows: 80, columns: 3, firstRow: 60) + 0.3
        let a = try KernelInceptionDistance(x, y, subsets: 5, subsetSize: 20, seed: 42)
        let b = try KernelInceptionDistance(x, y, subsets: 5, subsetSize: 20, seed: 42)
        let c = try KernelInceptionDistance(x, y, subsets: 5, subsetSize: 20, seed: 43)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.mean, c.mean)
        XCTAssertEqual(SeededShuffle.sample(20, from: 60, seed: 42, purpose: "kid.first", step: 3).count, 20)
        XCTAssertEqual(Set(SeededShuffle.permutation(of: 50, seed: 1, purpose: "p")), Set(0..<50))
    }

    func testDefaultSubsetSizeIsTheSmallerSetUpToOneThousand() throws {
        let stream = RandomStream(seed: 12, purpose: "test.kid")
        let kid = try KernelInceptionDistance(stream.normal(rows: 30, columns: 2), stream.normal(rows: 20, columns: 2), subsets: 2)
        XCTAssertEqual(kid.subsetSize, 20)
    }

    func testBadSubsetSettingsThrow() {
        let x = Tensor(shape: [4, 1], scalars: [0, 1, 2, 3])
        XCTAssertThrowsError(try KernelInceptionDistance(x, x, subsets: 1, subsetSize: 5)) {
            XCTAssertEqual("\($0)", "KID subset size is 5, expected 2...4 (the smaller set's size)")
        }
        XCTAssertThrowsError(try KernelInceptionDistance(x, x, subsets: 0))
        XCTAssertThrowsError(try KernelInceptionDistance(x, Tensor(shape: [4, 2], scalars: [Float](repeating: 0, count: 8))))
    }
}
