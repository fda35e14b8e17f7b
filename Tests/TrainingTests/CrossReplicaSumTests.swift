import Autograd
import MPI
import XCTest

@testable import Training

final class CrossReplicaSumTests: XCTestCase {
    private struct RankResult: Sendable {
        var sum: [Float]
        var gradient: [Float]
        var sumRequiresGrad: Bool
    }

    /// Rank r's input: (r + 1)·[1, 2, 3, 4] as a [2, 2] leaf.
    private static func input(rank: Int) -> [Float] { [1, 2, 3, 4].map { $0 * Float(rank + 1) } }
    /// Rank r's weights in the loss sum(crossReplicaSum(x) * w).
    private static func weights(rank: Int) -> [Float] { [0.5, -1, 2, 0.25].map { $0 + Float(rank) } }

    private func run(ranks: Int) throws -> [RankResult] {
        try ThreadGroup.run(ranks: ranks) { comm in
            let x = Tensor(shape: [2, 2], scalars: Self.input(rank: comm.rank)).requiringGrad()
            let w = Tensor(shape: [2, 2], scalars: Self.weights(rank: comm.rank))
            let total = Collectives(comm: comm).sum(x)
            let loss = (total * w).sum()
            let gradient = gradients(of: loss, wrt: [x])[0]
            return RankResult(sum: total.scalars, gradient: gradient.scalars, sumRequiresGrad: total.requiresGrad)
        }
    }

    private func elementwiseSum(_ rows: [[Float]]) -> [Float] {
        rows.dropFirst().reduce(rows[0]) { zip($0, $1).map(+) }
    }

    func testForwardSumsTheInputOverRanks() throws {
        for ranks in 1...3 {
            let expected = elementwiseSum((0..<ranks).map(Self.input(rank:)))
            for (rank, result) in try run(ranks: ranks).enumerated() {
                XCTAssertEqual(result.sum, expected, "\(ranks) ranks, rank \(rank)")
                XCTAssertTrue(result.sumRequiresGrad)
            }
        }
        XCTAssertEqual(elementwiseSum((0..<3).map(Self.input(rank:))), [6, 12, 18, 24])
    }

    /// d/dx_r Σ_r' sum(S(x) * w_r') = Σ_r' w_r': the adjoint of an allreduce-sum is an allreduce-sum.
    func testGradientIsTheSumOfEveryRanksUpstreamGradient() throws {
        for ranks in 1...3 {
            let expected = elementwiseSum((0..<ranks).map(Self.weights(rank:)))
            for (rank, result) in try run(ranks: ranks).enumerated() {
                XCTAssertEqual(result.gradient, expected, "\(ranks) ranks, rank \(rank)")
            }
        }
        XCTAssertEqual(elementwiseSum((0..<3).map(Self.weights(rank:))), [4.5, 0, 9, 3.75])
    }

    func testAnInputWithoutGradientsGivesAPlainSum() throws {
        let sums = try ThreadGroup.run(ranks: 2) { comm in
            let total = Collectives(comm: comm).sum(Tensor([Float(comm.rank), 1]))
            return [total.requiresGrad ? 1 : 0] + total.scalars
        }
        XCTAssertEqual(sums, [[0, 1, 2], [0, 1, 2]])
    }
}
