import Autograd
import GAN
import MPI
import XCTest

@testable import Training

/// MMD² over the gathered global batch, split unevenly over 3 ranks (threads), equals
/// the one-process value and gives each rank's rows their one-process gradient; the
/// per-rank estimator (each rank's rows alone) does not, so the gather does work.
final class MMDGlobalBatchTests: XCTestCase {
    private let counts = [2, 3, 1]
    private let kernel = MixedRationalQuadraticKernel()

    private static func features(_ salt: Double) -> Tensor {
        Tensor(shape: [6, 3], scalars: (0..<18).map { Float(sin(Double($0) * 1.3 + salt)) })
    }

    private struct RankResult: Sendable {
        let share: Float
        let gradient: [Float]
        let alone: Float
        let aloneGradient: [Float]
    }

    func testTheGatheredEstimatorIsTheGlobalOneAndThePerRankOneIsNot() throws {
        let (fake, real) = (Self.features(0), Self.features(2))
        let whole = fake.requiringGrad()
        let global = kernel.unbiasedMMD2(whole, real)
        let wholeGradient = gradients(of: global, wrt: [whole])[0].scalars
        let counts = counts
        let kernel = kernel
        let results = try ThreadGroup.run(ranks: 3) { comm -> RankResult in
            let first = counts[..<comm.rank].reduce(0, +)
            let rows = first..<(first + counts[comm.rank])
            let collectives = Collectives(comm: comm)
            let (fake, real) = (Self.features(0), Self.features(2))
            let mine = fake.slice(axis: 0, rows).requiringGrad()
            let realRows = real.slice(axis: 0, rows)
            let share = kernel.unbiasedMMD2(collectives.allgather(mine, counts: counts), collectives.allgather(realRows, counts: counts)) * (1 / 3)
            let gradient = gradients(of: share, wrt: [mine])[0].scalars
            let local = mine.detached().requiringGrad()
            let alone = kernel.unbiasedMMD2(local, realRows)
            return RankResult(share: share.item, gradient: gradient, alone: alone.item, aloneGradient: gradients(of: alone, wrt: [local])[0].scalars)
        }
        XCTAssertEqual(results.map(\.share).reduce(0, +), global.item, accuracy: 1e-5)
        XCTAssertEqual(results.flatMap(\.gradient).count, wholeGradient.count)
        for (a, b) in zip(results.flatMap(\.gradient), wholeGradient) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        // Ranks with one row have no per-rank estimate at all (m − 1 = 0); the others differ.
        let perRank = results.filter { $0.alone.isFinite }
        XCTAssertFalse(perRank.isEmpty)
        for result in perRank { XCTAssertGreaterThan(Swift.abs(result.alone - global.item), 0.05) }
        let aloneGradient = results[1].aloneGradient
        let wholeRows = Array(wholeGradient[(2 * 3)..<(5 * 3)])
        XCTAssertGreaterThan(zip(aloneGradient, wholeRows).map { Swift.abs($0 - $1) }.max() ?? 0, 0.05)
    }
}
