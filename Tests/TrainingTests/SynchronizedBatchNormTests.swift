import Autograd
import MPI
import NN
import XCTest

@testable import Training

/// Synchronized batch norm with ranks as threads (ThreadCommunicator): the input gradient
/// through the cross-rank statistics against finite differences of the loss summed over
/// every rank, to first and second order, on 2 and 3 ranks with uneven slices; and a
/// variance that stays right far from zero, computed by the same formula on any number of ranks.
final class SynchronizedBatchNormTests: XCTestCase {
    private static let channels = 3
    /// Rows per rank: uneven, as a global batch splits.
    private static let rows = [3, 2, 4]

    private static func input(rank: Int, rows: Int, offset: Float = 0) -> Tensor {
        let count = rows * channels
        let values = RandomStream(seed: 5, purpose: "sync-bn input", step: rank).normal(rows: 1, columns: count).scalars
        return Tensor(shape: [rows, channels], scalars: values.map { $0 + offset })
    }

    private static func weights(_ shape: [Int], rank: Int, salt: Int) -> Tensor {
        let count = shape.reduce(1, *)
        let unit = RandomStream(seed: 6, purpose: "sync-bn weights", step: 10 * salt + rank).uniform(rows: 1, columns: count).scalars
        return Tensor(shape: shape, scalars: (0..<count).map { i in (i % 3 == 2 ? -1 : 1) * (0.5 + unit[i]) })
    }

    private static func layer() -> BatchNorm {
        let layer = BatchNorm(features: channels)
        layer.weight.assign(Tensor([1.5, -0.7, 0.9]))
        layer.bias.assign(Tensor([0.1, 0, -0.2]))
        return layer
    }

    /// One rank's part of the checked quantity: Σ w ⊙ BN(x) (first order), or
    /// Σ v ⊙ (∂L/∂x)² with the inner gradient taken with createGraph (second order).
    private static func quantity(_ layer: BatchNorm, _ x: Tensor, rank: Int, secondOrder: Bool) -> Tensor {
        let y = layer(x)
        let loss = (y * weights(y.shape, rank: rank, salt: 0)).sum()
        guard secondOrder else { return loss }
        let inner = Autograd.gradients(of: loss, wrt: [x], createGraph: true)[0]
        return (inner.square() * weights(inner.shape, rank: rank, salt: 1)).sum()
    }

    private struct RankGradients: Sendable {
        var analyticInput: [Float]
        var numericInput: [Double]
        var analyticWeight: [Float]
        var numericWeight: [Double]
    }

    /// On every rank: the gradient of Q = Σ_ranks quantity w.r.t. this rank's input and the
    /// shared BN weight, by the engine (each rank's own backward; weight gradients summed over
    /// ranks as the trainer does) and by Richardson-refined central differences of Q.
    private func rankGradients(ranks: Int, secondOrder: Bool) throws -> [RankGradients] {
        try ThreadGroup.run(ranks: ranks) { comm in
            let rank = comm.rank
            let layer = Self.layer()
            layer.crossReplicaSum = Collectives(comm: comm).sum
            let x = Self.input(rank: rank, rows: Self.rows[rank]).requiringGrad()
            let analytic = Autograd.gradients(of: Self.quantity(layer, x, rank: rank, secondOrder: secondOrder), wrt: [x, layer.weight])
            var weightGradient = analytic[1].scalars
            try comm.allreduce(&weightGradient, .sum)

            /// Q with element `element` of rank `owner`'s input (or of the weight, owner nil) set to `value`.
            func total(owner: Int?, element: Int, value: Float) throws -> Double {
                let original = layer.weight.scalars
                var values = x.scalars
                if owner == rank { values[element] = value }
                if owner == nil { layer.weight.withMutableScalars { $0[element] = value } }
                defer { layer.weight.withMutableScalars { w in for i in w.indices { w[i] = original[i] } } }
                let local = Self.quantity(layer, Tensor(shape: x.shape, scalars: values).requiringGrad(), rank: rank, secondOrder: secondOrder)
                return try comm.allreduce(Double(local.item), .sum)
            }
            func derivative(owner: Int?, element: Int, at point: Float) throws -> Double {
                // Every rank runs every evaluation: the forward passes meet in collectives.
                func difference(_ h: Float) throws -> Double {
                    let (plus, minus) = (point + h, point - h)
                    return try (total(owner: owner, element: element, value: plus) - total(owner: owner, element: element, value: minus))
                        / (Double(plus) - Double(minus))
                }
                return try (4 * difference(5e-3) - difference(1e-2)) / 3
            }
            var numericInput: [Double] = []
            for owner in 0..<ranks {
                let count = Self.rows[owner] * Self.channels
                var ownerValues = x.scalars + [Float](repeating: 0, count: 12 - x.count)
                try comm.broadcast(&ownerValues, root: owner)
                for element in 0..<count {
                    let d = try derivative(owner: owner, element: element, at: ownerValues[element])
                    if owner == rank { numericInput.append(d) }
                }
            }
            let numericWeight = try (0..<Self.channels).map { try derivative(owner: nil, element: $0, at: layer.weight.scalars[$0]) }
            return RankGradients(analyticInput: analytic[0].scalars, numericInput: numericInput, analyticWeight: weightGradient, numericWeight: numericWeight)
        }
    }

    private func assertMatch(_ analytic: [Float], _ numeric: [Double], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let largest = numeric.map(Swift.abs).max() ?? 0
        XCTAssertGreaterThan(largest, 2e-2, "\(label): numeric gradient is ~0, the check is vacuous", file: file, line: line)
        let worst = zip(analytic, numeric).map { Swift.abs(Double($0) - $1) }.max() ?? .infinity
        XCTAssertEqual(analytic.count, numeric.count, label, file: file, line: line)
        XCTAssertLessThanOrEqual(
            worst, 2e-3 * max(1, largest), "\(label): analytic \(analytic.prefix(6)) numeric \(numeric.prefix(6))", file: file, line: line)
    }

    func testInputGradientThroughCrossRankStatisticsMatchesFiniteDifferencesOnTwoAndThreeRanks() throws {
        for ranks in [2, 3] {
            for secondOrder in [false, true] {
                let order = secondOrder ? "second order" : "first order"
                for (rank, result) in try rankGradients(ranks: ranks, secondOrder: secondOrder).enumerated() {
                    assertMatch(result.analyticInput, result.numericInput, "\(ranks) ranks, \(order), rank \(rank) input")
                    assertMatch(result.analyticWeight, result.numericWeight, "\(ranks) ranks, \(order), rank \(rank) weight")
                }
            }
        }
    }

    func testVarianceOfValuesFarFromZeroIsRightOnSeveralRanks() throws {
        // Values around 1e4 with standard deviation 1: E[x²] − E[x]² cancels to noise in float32
        // (the ulp of 1e8 is 8); a mean first, then squared deviations from it, keeps every digit needed.
        for ranks in [1, 2, 3] {
            let rows = 16
            let expected: [Double] = (0..<Self.channels).map { channel in
                let all = (0..<ranks).flatMap { rank in
                    let x = Self.input(rank: rank, rows: rows, offset: 10_000).scalars
                    return (0..<rows).map { Double(x[$0 * Self.channels + channel]) }
                }
                let mean = all.reduce(0, +) / Double(all.count)
                return all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(all.count - 1)
            }
            let found = try ThreadGroup.run(ranks: ranks) { comm in
                let layer = BatchNorm(features: Self.channels, momentum: 1)
                layer.crossReplicaSum = Collectives(comm: comm).sum
                _ = layer(Self.input(rank: comm.rank, rows: rows, offset: 10_000))
                return layer.runningVariance.scalars
            }
            for (rank, variances) in found.enumerated() {
                for (channel, value) in variances.enumerated() {
                    XCTAssertEqual(Double(value), expected[channel], accuracy: 1e-2 * expected[channel], "\(ranks) ranks, rank \(rank), channel \(channel)")
                }
            }
        }
    }

    func testOneRankWithTheCrossRankHookComputesExactlyWhatBatchNormComputesWithoutIt() throws {
        let plain = Self.layer()
        let expected = plain(Self.input(rank: 0, rows: 5, offset: 3)).scalars
        let synchronized = try ThreadGroup.run(ranks: 1) { comm in
            let layer = Self.layer()
            layer.crossReplicaSum = Collectives(comm: comm).sum
            return layer(Self.input(rank: 0, rows: 5, offset: 3)).scalars + layer.runningVariance.scalars
        }[0]
        XCTAssertEqual(synchronized, expected + plain.runningVariance.scalars, "the same formula, bit for bit")
    }
}
