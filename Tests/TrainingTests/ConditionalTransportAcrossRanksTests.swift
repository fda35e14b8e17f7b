import Autograd
import Data
import GAN
import MPI
import NN
import XCTest

@testable import Training

/// Conditional transport over a global batch of 7 split across 1, 2 and 3 ranks (threads):
/// the ranks' shares add up to the one-rank value, and the gradients the ranks' rows and
/// the navigator receive (summed across ranks as the update path sums them) are the
/// one-rank gradients. A per-rank estimator, each rank's reals against its own fakes with
/// its own normalizers, is a different quantity.
final class ConditionalTransportAcrossRanksTests: XCTestCase {
    private static let batch = 7
    private static let real = testRows(seed: 1)
    private static let fake = testRows(seed: 2)

    private static func testRows(seed: UInt64) -> [Float] {
        RandomStream(seed: seed, purpose: "ct-test").normal(rows: batch, columns: 3).scalars
    }

    private struct Outcome: Sendable {
        var value: Double
        var realGradient: [Float]
        var fakeGradient: [Float]
        var navigatorGradient: [Float]
    }

    private static func navigator() -> Sequential {
        Sequential([Linear(inputs: 3, outputs: 4, seed: 5, name: "0"), LeakyReLU(), Linear(inputs: 4, outputs: 1, seed: 5, name: "2")])
    }

    /// Every rank's share of CT with its rows' gradients; `gather` false: the per-rank estimator.
    private func run(ranks: Int, gather: Bool = true) throws -> [Outcome] {
        try ThreadGroup.run(ranks: ranks) { comm in
            let collectives = Collectives(comm: comm)
            let rows = BalancedSplit.range(comm.rank, of: comm.size, total: Self.batch)
            let counts = BalancedSplit.ranges(parts: comm.size, total: Self.batch).map(\.count)
            func mine(_ values: [Float]) -> Tensor {
                Tensor(shape: [rows.count, 3], scalars: Array(values[(rows.lowerBound * 3)..<(rows.upperBound * 3)])).requiringGrad()
            }
            let (real, fake) = (mine(Self.real), mine(Self.fake))
            let navigator = Self.navigator()
            let transport = ConditionalTransport(rho: 0.5, negateLogits: true)
            let share = gather
                ? transport.share(
                    real: real, fake: collectives.allgather(fake, counts: counts), realCount: Self.batch, navigator: { navigator($0) },
                    columnSum: collectives.sum, columnMax: { columnMaximum($0, collectives) })
                : transport.share(real: real, fake: fake, realCount: rows.count, navigator: { navigator($0) }, columnSum: { $0 }, columnMax: { $0 })
            let grads = gradients(of: share.total, wrt: [real, fake] + navigator.parameters)
            let navigatorGradient = grads.dropFirst(2).flatMap(\.scalars)
            let summed = collectives.sum(navigatorGradient.map(Double.init)).map(Float.init)
            let value = collectives.sum([Double(share.total.item)])[0]
            return Outcome(value: value, realGradient: grads[0].scalars, fakeGradient: grads[1].scalars, navigatorGradient: summed)
        }
    }

    func testSharesOnTwoAndThreeRanksAddUpToTheOneRankValueAndGradients() throws {
        let one = try run(ranks: 1)[0]
        for ranks in [2, 3] {
            let outcomes = try run(ranks: ranks)
            for outcome in outcomes {
                XCTAssertEqual(outcome.value, one.value, accuracy: 1e-5 * one.value, "\(ranks) ranks")
                XCTAssertEqual(outcome.navigatorGradient.count, one.navigatorGradient.count)
                for (a, b) in zip(outcome.navigatorGradient, one.navigatorGradient) { XCTAssertEqual(a, b, accuracy: 1e-4) }
            }
            let real = outcomes.flatMap(\.realGradient), fake = outcomes.flatMap(\.fakeGradient)
            for (a, b) in zip(real, one.realGradient) { XCTAssertEqual(a, b, accuracy: 1e-5, "\(ranks) ranks, real rows") }
            for (a, b) in zip(fake, one.fakeGradient) { XCTAssertEqual(a, b, accuracy: 1e-5, "\(ranks) ranks, fake rows") }
        }
    }

    func testThePerRankEstimatorIsADifferentQuantity() throws {
        let one = try run(ranks: 1)[0]
        for ranks in [2, 3] {
            // The mean of the ranks' own CT values, as a per-rank (local mini-batch) estimator would report.
            let local = try run(ranks: ranks, gather: false)[0].value / Double(ranks)
            XCTAssertGreaterThan(Swift.abs(local - one.value), 0.05 * one.value, "\(ranks) ranks: \(local) vs \(one.value)")
        }
    }
}
