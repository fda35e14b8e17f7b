import Autograd
import MPI
import XCTest

@testable import Training

final class GradientSynchronizerTests: XCTestCase {
    private static let shapes: [[Int]] = [[3, 2], [4], [2, 2, 2], [1], [5]]
    private static var counts: [Int] { shapes.map { $0.reduce(1, *) } }

    /// Rank `rank`'s gradient of parameter `index`: dyadic values, so sums over ranks are exact.
    /// Parameter 3 is unused on every rank; parameter 4 is unused on rank 0 only.
    private static func gradient(rank: Int, index: Int, round: Int = 0) -> Tensor? {
        if index == 3 || (index == 4 && rank == 0) { return nil }
        let count = shapes[index].reduce(1, *)
        let values = (0..<count).map { Float(rank + 1) * 0.5 + Float(index) * 0.25 + Float($0) * 0.125 + Float(round) * 8 }
        return Tensor(shape: shapes[index], scalars: values)
    }

    /// The sum over `ranks` ranks of parameter `index`'s gradients, flattened.
    private static func expectedSum(ranks: Int, index: Int, round: Int = 0) -> [Float] {
        var sum = [Float](repeating: 0, count: counts[index])
        for rank in 0..<ranks {
            guard let gradient = gradient(rank: rank, index: index, round: round) else { continue }
            for (i, value) in gradient.scalars.enumerated() { sum[i] += value }
        }
        return sum
    }

    private struct RankResult: Sendable, Equatable {
        var shapes: [[Int]]
        var values: [[Float]]
    }

    private func synchronizedOnEveryRank(ranks: Int, bucketBytes: Int, rounds: Int = 1) throws -> [RankResult] {
        try ThreadGroup.run(ranks: ranks) { comm in
            let parameters = Self.shapes.map { Tensor.zeros($0).requiringGrad() }
            let synchronizer = GradientSynchronizer(parameters: parameters, comm: comm, bucketBytes: bucketBytes)
            var views: [Tensor] = []
            for round in 0..<rounds {
                views = try synchronizer.synchronize(Self.shapes.indices.map { Self.gradient(rank: comm.rank, index: $0, round: round) })
            }
            return RankResult(shapes: views.map(\.shape), values: views.map(\.scalars))
        }
    }

    func testGradientsAreSummedExactlyOverOneTwoAndThreeRanks() throws {
        for ranks in 1...3 {
            for bucketBytes in [16 << 20, 40, 4] {
                let results = try synchronizedOnEveryRank(ranks: ranks, bucketBytes: bucketBytes)
                XCTAssertEqual(results.count, ranks)
                for (rank, result) in results.enumerated() {
                    XCTAssertEqual(result.shapes, Self.shapes, "rank \(rank)")
                    for index in Self.shapes.indices {
                        XCTAssertEqual(
                            result.values[index], Self.expectedSum(ranks: ranks, index: index),
                            "\(ranks) ranks, cap \(bucketBytes) bytes, rank \(rank), parameter \(index)")
                    }
                }
            }
        }
    }

    func testUnusedParametersGetZerosAndPartlyUsedOnesTheOtherRanksSum() throws {
        let results = try synchronizedOnEveryRank(ranks: 3, bucketBytes: 40)
        XCTAssertEqual(results[1].values[3], [0])
        // Parameter 4: only ranks 1 and 2 contribute, (1.0 + 1.0 + 0.125·i) + (1.5 + 1.0 + 0.125·i).
        XCTAssertEqual(results[2].values[4], [4.5, 4.75, 5, 5.25, 5.5])
    }

    func testASecondSynchronizeReplacesTheFirstRoundsValues() throws {
        let results = try synchronizedOnEveryRank(ranks: 2, bucketBytes: 40, rounds: 2)
        for index in Self.shapes.indices {
            XCTAssertEqual(results[0].values[index], Self.expectedSum(ranks: 2, index: index, round: 1), "parameter \(index)")
        }
    }

    func testViewsHaveTheParametersShapesAndShareTheFlatBuffer() throws {
        let parameters = Self.shapes.map { Tensor.zeros($0).requiringGrad() }
        let synchronizer = GradientSynchronizer(parameters: parameters, comm: LocalCommunicator())
        XCTAssertEqual(synchronizer.views.map(\.shape), Self.shapes)
        let gradients = Self.shapes.indices.map { Self.gradient(rank: 0, index: $0) }
        let views = try synchronizer.synchronize(gradients)
        XCTAssertEqual(views.map(\.shape), Self.shapes)
        let flat = synchronizer.withFlatValues { Array($0) }
        XCTAssertEqual(flat, views.flatMap(\.scalars))
        XCTAssertEqual(flat.count, 24)
        XCTAssertEqual(Array(flat[18..<19]), [0], "the unused parameter's slot is zeroed")
    }

    func testBucketsForASmallCapCloseBeforeTheParameterThatWouldOverflow() {
        let synchronizer = GradientSynchronizer(
            parameters: Self.shapes.map { Tensor.zeros($0) }, comm: LocalCommunicator(), bucketBytes: 40)
        // Parameters hold elements 0..<6, 6..<10, 10..<18, 18..<19, 19..<24; the cap is 10 elements.
        XCTAssertEqual(synchronizer.buckets, [0..<10, 10..<19, 19..<24])
    }

    func testAParameterLargerThanTheCapGetsABucketOfItsOwn() {
        let synchronizer = GradientSynchronizer(
            parameters: [Tensor.zeros([3]), Tensor.zeros([20]), Tensor.zeros([2])], comm: LocalCommunicator(), bucketBytes: 32)
        XCTAssertEqual(synchronizer.buckets, [0..<3, 3..<23, 23..<25])
    }

    func testBucketsCoverEveryElementOnceWithinTheCapWithoutSplittingParameters() {
        let layouts: [[Int]] = [[6, 4, 8, 1, 5], [1], [100], [7, 7, 7, 7], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [30, 1, 1, 30], [2, 0, 3, 0]]
        for counts in layouts {
            let offsets = counts.indices.map { counts[..<$0].reduce(0, +) }
            let total = counts.reduce(0, +)
            for capElements in [1, 2, 5, 10, 16, 31, 1000] {
                let synchronizer = GradientSynchronizer(
                    parameters: counts.map { Tensor.zeros([$0]) }, comm: LocalCommunicator(), bucketBytes: 4 * capElements)
                let buckets = synchronizer.buckets
                let context = "counts \(counts), cap \(capElements)"
                XCTAssertEqual(buckets.first?.lowerBound, 0, context)
                XCTAssertEqual(buckets.last?.upperBound, total, context)
                for (a, b) in zip(buckets, buckets.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound, context) }
                for bucket in buckets {
                    XCTAssertTrue(offsets.contains(bucket.lowerBound) || bucket.lowerBound == total, "\(context): \(bucket) splits a parameter")
                    XCTAssertTrue(offsets.contains(bucket.upperBound) || bucket.upperBound == total, "\(context): \(bucket) splits a parameter")
                    let parametersInside = counts.indices.filter { counts[$0] > 0 && bucket.contains(offsets[$0]) }
                    XCTAssertTrue(
                        bucket.count <= capElements || parametersInside.count == 1,
                        "\(context): \(bucket) exceeds the cap with \(parametersInside.count) parameters")
                }
            }
        }
    }

    func testNoParametersGiveOneEmptyBucket() throws {
        let synchronizer = GradientSynchronizer(parameters: [], comm: LocalCommunicator())
        XCTAssertEqual(synchronizer.buckets, [0..<0])
        XCTAssertEqual(try synchronizer.synchronize([]).count, 0)
    }

    func testParameterIndexOfEachFlatElement() {
        let synchronizer = GradientSynchronizer(parameters: Self.shapes.map { Tensor.zeros($0) }, comm: LocalCommunicator())
        let expected = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 4, 4, 4, 4, 4]
        XCTAssertEqual((0..<24).map(synchronizer.parameterIndex(ofElement:)), expected)

        let withEmpty = GradientSynchronizer(
            parameters: [Tensor.zeros([2]), Tensor.zeros([0]), Tensor.zeros([3])], comm: LocalCommunicator())
        XCTAssertEqual((0..<5).map(withEmpty.parameterIndex(ofElement:)), [0, 0, 2, 2, 2], "an empty parameter owns no element")
    }
}
