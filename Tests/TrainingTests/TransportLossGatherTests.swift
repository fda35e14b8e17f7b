import Autograd
import GAN
import MPI
import XCTest

@testable import Training

/// The losses of `sw` and `sinkhorn` as the methods compute them on each rank: over 1, 2
/// and 3 ranks (13 rows, an uneven split) the shares add up to the one-rank loss and each
/// rank's row gradients are the one-rank gradient's rows; the per-rank estimator (each
/// rank's own rows, losses averaged) gives another loss and gradient, so the gathers do work.
final class TransportLossGatherTests: XCTestCase {
    private struct RankResult: Sendable {
        var share: Float
        var gradient: [Float]
    }

    private static let batch = 13
    private static let fake = normals([batch, 3], salt: 1).scalars
    private static let real = normals([batch, 3], salt: 2, scale: 0.7).scalars.map { $0 + 0.5 }
    private static let freshRows = normals([2, 3], salt: 3).scalars

    /// One of the losses: (this rank's fake rows, real rows, counts, collectives) → its share.
    typealias Loss = @Sendable (Tensor, Tensor, [Int], Collectives) -> Tensor

    private static let losses: [(String, Loss)] = [
        ("sw mc", { fake, real, counts, collectives in
            SlicedWassersteinMethod.distanceShare(
                fake: fake, real: real, estimator: .mc, projections: 40, directions: RandomStream(seed: 1, purpose: "sw.directions"), counts: counts,
                collectives: collectives)
        }),
        ("sw clt", { fake, real, counts, collectives in
            SlicedWassersteinMethod.distanceShare(
                fake: fake, real: real, estimator: .clt, projections: 40, directions: RandomStream(seed: 1, purpose: "sw.directions"), counts: counts,
                collectives: collectives)
        }),
        ("sinkhorn", { fake, real, counts, collectives in
            // Two fresh rows, shared out like the method's: Ŷ' = Ŷ's rows 2... and these.
            let rows = BalancedSplit.range(collectives.rank, of: collectives.size, total: 2)
            let fresh = Tensor(shape: [rows.count, 3], scalars: Array(TransportLossGatherTests.freshRows[(rows.lowerBound * 3)..<(rows.upperBound * 3)]))
            return SinkhornMethod.divergenceShare(
                fake: fake, fresh: fresh, real: real, counts: counts, freshTotal: 2, sinkhorn: Sinkhorn(epsilon: 0.5, p: 2, iterations: 20, scaling: 0.5),
                collectives: collectives)
        }),
    ]

    /// Every rank's share and the gradient of its own rows, with `scope`.
    private func run(_ loss: @escaping Loss, ranks: Int, scope: BatchScope) throws -> [RankResult] {
        try ThreadGroup.run(ranks: ranks) { comm in
            let collectives = Collectives(comm: comm)
            let counts = BalancedSplit.ranges(parts: ranks, total: Self.batch).map(\.count)
            let rows = BalancedSplit.range(comm.rank, of: ranks, total: Self.batch)
            let fake = Tensor(shape: [rows.count, 3], scalars: Array(Self.fake[(rows.lowerBound * 3)..<(rows.upperBound * 3)])).requiringGrad()
            let real = Tensor(shape: [rows.count, 3], scalars: Array(Self.real[(rows.lowerBound * 3)..<(rows.upperBound * 3)]))
            let scoped = scope.lossCollectives(collectives, counts: counts)
            let share = loss(fake, real, scoped.counts, scoped.collectives) * scoped.factor
            return RankResult(share: share.item, gradient: gradients(of: share, wrt: [fake])[0].scalars)
        }
    }

    func testSharesAndGradientsOnTwoAndThreeRanksEqualTheOneRankLoss() throws {
        for (name, loss) in Self.losses {
            let one = try run(loss, ranks: 1, scope: .global)[0]
            XCTAssertGreaterThan(Swift.abs(one.share), 1e-3, name)
            for ranks in [2, 3] {
                let results = try run(loss, ranks: ranks, scope: .global)
                XCTAssertEqual(results.map(\.share).reduce(0, +), one.share, accuracy: 1e-5 * max(1, Swift.abs(one.share)), "\(name), \(ranks) ranks")
                XCTAssertLessThanOrEqual(distance(results.flatMap(\.gradient), one.gradient), 1e-4, "\(name), \(ranks) ranks: row gradients")
            }
        }
    }

    func testThePerRankEstimatorGivesAnotherLossAndGradient() throws {
        for (name, loss) in Self.losses {
            let one = try run(loss, ranks: 1, scope: .global)[0]
            let perRank = try run(loss, ranks: 2, scope: .rank)
            // Float rounding moves the gathered loss by ~1e-6 of itself (see above); this is 1000 times that.
            XCTAssertGreaterThan(Swift.abs(perRank.map(\.share).reduce(0, +) - one.share), 1e-3 * Swift.abs(one.share), "\(name): loss")
            XCTAssertGreaterThan(distance(perRank.flatMap(\.gradient), one.gradient), 1e-2, "\(name): gradient")
        }
    }

    /// ‖a − b‖ / ‖b‖.
    private func distance(_ a: [Float], _ b: [Float]) -> Double {
        XCTAssertEqual(a.count, b.count)
        let difference = zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
        return difference / max(b.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot(), 1e-12)
    }
}

/// Normal values of `shape` (seeded by `salt`), times `scale`.
private func normals(_ shape: [Int], salt: Int, scale: Float = 1) -> Tensor {
    let values = RandomStream(seed: 5, purpose: "gather-test", step: salt).normal(rows: 1, columns: shape.reduce(1, *)).scalars
    return Tensor(shape: shape, scalars: values.map { $0 * scale })
}
