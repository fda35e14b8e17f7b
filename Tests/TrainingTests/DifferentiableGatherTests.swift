import Autograd
import MPI
import XCTest

@testable import Training

/// The differentiable row allgather on 1, 2 and 3 ranks (threads) with uneven row
/// counts: the gradient each rank gets for its own rows equals the finite-difference
/// derivative of the GLOBAL loss Σ_r L_r (every rank's loss depends on every rank's
/// rows), first order and second order (a gradient-norm penalty differentiated again,
/// as MMD GAN's witness penalty does); and the selftest's exact check passes, and
/// fails for a gather whose backward does not sum over ranks.
final class DifferentiableGatherTests: XCTestCase {
    private static let width = 2
    private static let countsByRanks: [Int: [Int]] = [1: [4], 2: [3, 1], 3: [1, 3, 2]]

    /// Rank r's rows.
    private static func rows(_ rank: Int, _ count: Int) -> Tensor {
        Tensor(shape: [count, width], scalars: (0..<(count * width)).map { Float(sin(Double($0 * 5 + rank * 11) * 0.7)) * 0.8 })
    }

    /// Rank r's loss of the gathered rows G [N, 2]: Σ A_r ⊙ tanh(½·G·Gᵀ) + Σ B_r ⊙ G, coupling every pair of rows.
    private static func loss(_ gathered: Tensor, rank: Int) -> Tensor {
        let n = gathered.shape[0]
        let a = Tensor(shape: [n, n], scalars: (0..<(n * n)).map { Float(cos(Double($0 * 3 + rank * 7) * 0.9)) })
        let b = Tensor(shape: [n, width], scalars: (0..<(n * width)).map { Float($0 % 3) * 0.3 - Float(rank) * 0.2 })
        return (a * (matmul(gathered, gathered, transposeB: true) * 0.5).tanh()).sum() + (b * gathered).sum()
    }

    /// Rank r's share of a gradient-norm penalty: Σ v_r ⊙ (∂F/∂x_r)², the inner gradient taken with createGraph.
    private static func penalty(_ x: Tensor, _ collectives: Collectives, _ counts: [Int]) -> Tensor {
        let inner = gradients(of: loss(collectives.allgather(x, counts: counts), rank: collectives.rank), wrt: [x], createGraph: true)[0]
        let v = Tensor(shape: x.shape, scalars: (0..<x.count).map { 0.5 + Float(($0 + collectives.rank) % 4) * 0.25 })
        return (inner.square() * v).sum()
    }

    private struct Comparison: Sendable {
        let analytic: [Float]
        let numeric: [Double]
    }

    /// On every rank: the analytic gradient of its share and the finite-difference
    /// derivative of the sum over ranks of `share`, for the rank's own rows.
    private func compare(ranks: Int, _ share: @escaping @Sendable (Tensor, Collectives, [Int]) -> Tensor) throws -> [Comparison] {
        let counts = Self.countsByRanks[ranks]!
        return try ThreadGroup.run(ranks: ranks) { comm -> Comparison in
            let collectives = Collectives(comm: comm)
            let base = Self.rows(comm.rank, counts[comm.rank])
            let leaf = base.requiringGrad()
            let analytic = gradients(of: share(leaf, collectives, counts), wrt: [leaf])[0].scalars
            func global(_ x: Tensor) throws -> Double {
                try comm.allreduce(Double(share(x.requiringGrad(), collectives, counts).item), .sum)
            }
            var numeric: [Double] = []
            for owner in 0..<ranks {
                for element in 0..<(counts[owner] * Self.width) {
                    func at(_ h: Float) throws -> Double {
                        guard owner == comm.rank else { return try global(base) }
                        var values = base.scalars
                        values[element] += h
                        return try global(Tensor(shape: base.shape, scalars: values))
                    }
                    let coarse = (try at(1e-2) - at(-1e-2)) / 2e-2
                    let fine = (try at(5e-3) - at(-5e-3)) / 1e-2
                    if owner == comm.rank { numeric.append((4 * fine - coarse) / 3) }
                }
            }
            return Comparison(analytic: analytic, numeric: numeric)
        }
    }

    private func assertMatch(_ results: [Comparison], _ label: String, tolerance: Double) {
        for (rank, result) in results.enumerated() {
            let largest = result.numeric.map(Swift.abs).max() ?? 0
            XCTAssertGreaterThan(largest, 1e-2, "\(label), rank \(rank): the check is vacuous")
            XCTAssertEqual(result.analytic.count, result.numeric.count)
            let worst = zip(result.analytic, result.numeric).map { Swift.abs(Double($0) - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst, tolerance * max(1, largest), "\(label), rank \(rank): \(result.analytic) vs \(result.numeric)")
        }
    }

    func testFirstOrderGradientsOfAGlobalLossMatchFiniteDifferencesOnOneTwoAndThreeRanks() throws {
        for ranks in 1...3 {
            assertMatch(try compare(ranks: ranks) { x, c, counts in Self.loss(c.allgather(x, counts: counts), rank: c.rank) }, "\(ranks) ranks", tolerance: 2e-3)
        }
    }

    func testSecondOrderGradientsThroughTheGatherMatchFiniteDifferencesOnOneTwoAndThreeRanks() throws {
        for ranks in 1...3 {
            assertMatch(try compare(ranks: ranks, Self.penalty), "second order, \(ranks) ranks", tolerance: 5e-3)
        }
    }

    func testTheGatheredRowsAreEveryRanksRowsInRankOrder() throws {
        let counts = Self.countsByRanks[3]!
        let gathered = try ThreadGroup.run(ranks: 3) { comm in
            Collectives(comm: comm).allgather(Self.rows(comm.rank, counts[comm.rank]), counts: counts).scalars
        }
        let expected = (0..<3).flatMap { Self.rows($0, counts[$0]).scalars }
        XCTAssertEqual(gathered, [expected, expected, expected])
    }

    func testTheSelftestsExactCheckPassesOnOneToFiveRanks() throws {
        for ranks in 1...5 {
            let failures = try ThreadGroup.run(ranks: ranks) { DifferentiableGatherCheck().run(on: $0) }
            XCTAssertEqual(failures, Array(repeating: [], count: ranks), "\(ranks) ranks")
        }
    }

    func testTheSelftestsExactCheckCatchesABackwardThatDoesNotSumOverRanks() throws {
        // Forward right, backward only this rank's own gradient: per-rank estimators in disguise.
        let broken = DifferentiableGatherCheck { collectives, x, counts in
            let first = counts[..<collectives.rank].reduce(0, +)
            let own = first..<(first + counts[collectives.rank])
            let value = collectives.allgather(x.detached(), counts: counts).copy()
            return customOp("brokenGather", value: value, inputs: [x]) { context in [context.gradient.slice(axis: 0, own)] }
        }
        let failures = try ThreadGroup.run(ranks: 2) { broken.run(on: $0) }
        for (rank, list) in failures.enumerated() {
            XCTAssertTrue(list.contains { $0.contains("gather first order") }, "rank \(rank): \(list)")
            XCTAssertFalse(list.contains { $0.contains("gather forward") }, "rank \(rank): \(list)")
        }
    }
}
