import Autograd
import MPI
import NN
import XCTest

@testable import Training

/// The synchronizer on a network's flat buffers: reduce-scatter leaves each rank the
/// exact sum of its share, allgather completes a flat buffer from every rank's share,
/// and a non-finite gradient is reported on every rank, naming the parameter.
final class GradientSynchronizerTests: XCTestCase {
    private static let shapes: [[Int]] = [[3, 2], [4], [2, 2, 2], [1], [5]]

    /// Rank `rank`'s gradient of parameter `index`: dyadic values, so sums over ranks are exact.
    /// Parameter 3 is unused on every rank; parameter 4 is unused on rank 0 only.
    private static func gradient(rank: Int, index: Int, round: Int = 0) -> Tensor? {
        if index == 3 || (index == 4 && rank == 0) { return nil }
        let count = shapes[index].reduce(1, *)
        let values = (0..<count).map { Float(rank + 1) * 0.5 + Float(index) * 0.25 + Float($0) * 0.125 + Float(round) * 8 }
        return Tensor(shape: shapes[index], scalars: values)
    }

    /// The sum over `ranks` ranks of every parameter's gradient, laid end to end.
    private static func expectedFlatSum(ranks: Int, round: Int = 0) -> [Float] {
        shapes.indices.flatMap { index -> [Float] in
            var sum = [Float](repeating: 0, count: shapes[index].reduce(1, *))
            for rank in 0..<ranks {
                guard let gradient = gradient(rank: rank, index: index, round: round) else { continue }
                for (i, value) in gradient.scalars.enumerated() { sum[i] += value }
            }
            return sum
        }
    }

    private static func flatParameters() -> FlatParameters {
        FlatParameters(NamedTensors(shapes.enumerated().map { (name: "p\($0.offset)", tensor: Tensor.zeros($0.element).requiringGrad()) }))
    }

    /// Each rank's share of the summed flat gradient after `rounds` rounds, and its share's range.
    private func reducedShares(ranks: Int, rounds: Int = 1) throws -> [(share: Range<Int>, values: [Float])] {
        let results = try ThreadGroup.run(ranks: ranks) { comm -> [Float] in
            let parameters = Self.flatParameters()
            let synchronizer = GradientSynchronizer(parameters: parameters, comm: comm)
            for round in 0..<rounds {
                parameters.setGradients(Self.shapes.indices.map { Self.gradient(rank: comm.rank, index: $0, round: round) })
                try synchronizer.reduceScatter()
            }
            let share = synchronizer.ownShare
            return [Float(share.lowerBound), Float(share.upperBound)] + Array(parameters.gradients.scalars[share])
        }
        return results.map { (Int($0[0])..<Int($0[1]), Array($0.dropFirst(2))) }
    }

    func testEachRankGetsTheExactSumOfItsShareOnOneTwoAndThreeRanks() throws {
        for ranks in 1...3 {
            let expected = Self.expectedFlatSum(ranks: ranks)
            let results = try reducedShares(ranks: ranks)
            XCTAssertEqual(results.map(\.share), BalancedSplit.ranges(parts: ranks, total: 24), "\(ranks) ranks")
            for (rank, result) in results.enumerated() {
                XCTAssertEqual(result.values, Array(expected[result.share]), "\(ranks) ranks, rank \(rank)")
            }
        }
    }

    func testUnusedParametersSumToZeroAndASecondRoundReplacesTheFirst() throws {
        let expected = Self.expectedFlatSum(ranks: 3, round: 1)
        let tail: [Float] = [0, 20.5, 20.75, 21, 21.25, 21.5]
        XCTAssertEqual(Array(expected[18..<24]), tail)
        let results = try reducedShares(ranks: 3, rounds: 2)
        XCTAssertEqual(results.flatMap(\.values), expected)
    }

    func testAllgatherCompletesAFlatBufferFromEveryRanksShare() throws {
        let results = try ThreadGroup.run(ranks: 3) { comm -> [Float] in
            let parameters = Self.flatParameters()
            let synchronizer = GradientSynchronizer(parameters: parameters, comm: comm)
            // Each rank writes its rank number into its own share only.
            parameters.values.withMutableScalars { values in
                for i in synchronizer.ownShare { values[i] = Float(comm.rank + 1) }
            }
            try synchronizer.allgather(parameters.values)
            return parameters.named.flatMap(\.tensor.scalars)
        }
        // Shares of 24 elements on 3 ranks: 0..<8, 8..<16, 16..<24.
        let owners = [Float](repeating: 1, count: 8) + [Float](repeating: 2, count: 8) + [Float](repeating: 3, count: 8)
        for result in results { XCTAssertEqual(result, owners) }
    }

    func testANonFiniteGradientOnOneRankStopsEveryRankNamingTheParameter() throws {
        let reports = try ThreadGroup.run(ranks: 3) { comm -> String in
            let parameters = Self.flatParameters()
            let synchronizer = GradientSynchronizer(parameters: parameters, comm: comm)
            var gradients = Self.shapes.indices.map { Self.gradient(rank: comm.rank, index: $0) }
            // Element 2 of parameter 2 (flat element 12, in rank 1's share 8..<16) is NaN on rank 2's input.
            if comm.rank == 2 { gradients[2] = Tensor(shape: [2, 2, 2], scalars: [0, 0, .nan, 0, 0, 0, 0, 0]) }
            parameters.setGradients(gradients)
            try synchronizer.reduceScatter()
            return try synchronizer.nonFiniteGradient() ?? "finite"
        }
        XCTAssertEqual(reports, Array(repeating: "gradient of 'p2'", count: 3))
    }

    private static func model() -> NamedTensors {
        [
            ("a", Tensor(shape: [4, 3], scalars: (0..<12).map { Float($0) * 0.25 - 1 }).requiringGrad()),
            ("b", Tensor([0.5, -0.5, 1, 2, -2]).requiringGrad()),
        ]
    }

    private static func gradients(rank: Int) -> [Tensor] {
        [
            Tensor(shape: [4, 3], scalars: (0..<12).map { Float(($0 * (rank + 3)) % 7) - 3 }),
            Tensor([1, 2, 3, 4, 5].map { Float($0 * (rank + 1)) * 0.1 }),
        ]
    }

    func testAShardedAdamStepOnThreeRanksEqualsOneWholeStep() throws {
        let model = Self.model, gradients = Self.gradients(rank:)
        let reference = model()
        let referenceOptimizer = try Adam(parameters: reference, learningRate: 0.1, betas: (0.5, 0.9))
        var summed = gradients(0)
        for rank in 1..<3 { summed = zip(summed, gradients(rank)).map { pair in withoutGradients { pair.0 + pair.1 } } }
        for _ in 0..<2 { referenceOptimizer.step(gradients: summed) }

        let results = try ThreadGroup.run(ranks: 3) { comm -> [[Float]] in
            let parameters = FlatParameters(model())
            let optimizer = try Adam(parameters: parameters, learningRate: 0.1, betas: (0.5, 0.9))
            let synchronizer = GradientSynchronizer(parameters: parameters, comm: comm)
            for _ in 0..<2 {
                parameters.setGradients(gradients(comm.rank))
                try synchronizer.reduceScatter()
                optimizer.step(elements: synchronizer.ownShare)
                try synchronizer.allgather(parameters.values)
            }
            // Complete the optimizer state from the other ranks' shares, as before a checkpoint.
            for flat in optimizer.flatState { try synchronizer.allgather(flat) }
            return parameters.named.map(\.tensor.scalars) + optimizer.stateTensors().filter { $0.name != "step" }.map(\.tensor.scalars)
        }
        let expected = reference.map(\.tensor.scalars) + referenceOptimizer.stateTensors().filter { $0.name != "step" }.map(\.tensor.scalars)
        for rank in 0..<3 {
            XCTAssertEqual(results[rank].count, 6)
            for (got, want) in zip(results[rank], expected) {
                for (x, y) in zip(got, want) { XCTAssertEqual(x, y, accuracy: 1e-6, "rank \(rank)") }
            }
        }
    }
}
