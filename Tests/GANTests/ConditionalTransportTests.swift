import Autograd
import Foundation
import GAN
import NN
import XCTest

/// Conditional transport's share: its value against a direct Double computation of CT, its
/// plans' normalization, its gradients against finite differences, and that the shares of a
/// batch split by rows add up to the whole batch's CT once the column sums are shared.
final class ConditionalTransportTests: XCTestCase {
    private let (rows, columns, d) = (4, 5, 3)
    private lazy var real = Tensor(shape: [rows, d], scalars: testValues(rows * d, seed: 1))
    private lazy var fake = Tensor(shape: [columns, d], scalars: testValues(columns * d, seed: 2))
    private let navigator = Sequential([Linear(inputs: 3, outputs: 6, seed: 4, name: "0"), LeakyReLU(), Linear(inputs: 6, outputs: 1, seed: 4, name: "2")])

    /// `shift`: the constant subtracted from each column before exp (the column maximum by default;
    /// rows split across ranks must all subtract the same one, as `columnMaximum` across ranks does).
    private func share(
        _ transport: ConditionalTransport, real: Tensor, fake: Tensor, realCount: Int? = nil, shift: ((Tensor) -> Tensor)? = nil,
        columnSum: @escaping (Tensor) -> Tensor = { $0 }
    ) -> ConditionalTransport.Share {
        transport.share(
            real: real, fake: fake, realCount: realCount ?? real.shape[0], navigator: { self.navigator($0) }, columnSum: columnSum,
            columnMax: shift ?? { $0 })
    }

    /// CT from its definition, in Double, with the navigator's scores as given.
    private func naive(_ transport: ConditionalTransport, real: [Float], fake: [Float]) -> Double {
        var cost = [[Double]](repeating: [Double](repeating: 0, count: columns), count: rows)
        var logit = cost
        for i in 0..<rows {
            for j in 0..<columns {
                let squared = (0..<d).map { k in Float(real[i * d + k] - fake[j * d + k]) * Float(real[i * d + k] - fake[j * d + k]) }
                cost[i][j] = squared.reduce(0.0) { $0 + Double($1) }
                let score = Double(withoutGradients { navigator(Tensor(shape: [1, d], scalars: squared)) }.item)
                logit[i][j] = transport.negateLogits ? -score : score
            }
        }
        var forward = 0.0, backward = 0.0
        for i in 0..<rows {
            let z = (0..<columns).reduce(0.0) { $0 + Foundation.exp(logit[i][$1]) }
            for j in 0..<columns { forward += cost[i][j] * Foundation.exp(logit[i][j]) / z }
        }
        for j in 0..<columns {
            let z = (0..<rows).reduce(0.0) { $0 + Foundation.exp(logit[$1][j]) }
            for i in 0..<rows { backward += cost[i][j] * Foundation.exp(logit[i][j]) / z }
        }
        return Double(transport.rho) * forward / Double(rows) + Double(1 - transport.rho) * backward / Double(columns)
    }

    func testTheShareOfOneRankIsConditionalTransportAsDefined() {
        for transport in [ConditionalTransport(rho: 0.5, negateLogits: false), ConditionalTransport(rho: 0.3, negateLogits: true)] {
            let value = Double(share(transport, real: real, fake: fake).total.item)
            XCTAssertEqual(value, naive(transport, real: real.scalars, fake: fake.scalars), accuracy: 1e-5 * max(1, Swift.abs(value)))
        }
    }

    func testForwardPlanRowsAndBackwardPlanColumnsSumToOne() {
        let logits = Tensor(shape: [3, 4], scalars: testValues(12, seed: 8, scale: 30))
        let forward = ConditionalTransport.softmaxOverColumns(logits).scalars
        let backward = ConditionalTransport.softmaxOverRows(logits, columnSum: { $0 }, columnMax: { $0 }).scalars
        for i in 0..<3 { XCTAssertEqual((0..<4).reduce(0) { $0 + forward[i * 4 + $1] }, 1, accuracy: 1e-5) }
        for j in 0..<4 { XCTAssertEqual((0..<3).reduce(0) { $0 + backward[$1 * 4 + j] }, 1, accuracy: 1e-5) }
        XCTAssertTrue((forward + backward).allSatisfy { $0.isFinite && $0 >= 0 })
    }

    func testGradientsMatchFiniteDifferences() {
        let transport = ConditionalTransport(rho: 0.4, negateLogits: true)
        let (x, y) = (real.requiringGrad(), fake.requiringGrad())
        // The navigator's last bias shifts every logit alike, which no softmax sees: its gradient is 0 by nature.
        FiniteDifferences().verify([x, y] + navigator.parameters.dropLast(), "ct share") { share(transport, real: x, fake: y).total }
        let logits = Tensor(shape: [3, 4], scalars: testValues(12, seed: 6, scale: 2)).requiringGrad()
        let weights = Tensor(shape: [3, 4], scalars: testValues(12, seed: 7))
        FiniteDifferences().verify([logits], "forward plan") { (ConditionalTransport.softmaxOverColumns(logits) * weights).sum() }
        FiniteDifferences().verify([logits], "backward plan") {
            (ConditionalTransport.softmaxOverRows(logits, columnSum: { $0 }, columnMax: { $0 }) * weights).sum()
        }
    }

    /// Two "ranks" holding rows 0..<2 and 2..<4: with each other's column sums added, their
    /// shares add up to the whole batch's CT; each alone (a per-rank estimator) does not.
    func testSharesOfRowsAddUpToTheWholeBatchOnlyWithSharedColumnSums() {
        let transport = ConditionalTransport(rho: 0.5, negateLogits: false)
        let whole = Double(share(transport, real: real, fake: fake).total.item)
        let parts = [real.slice(axis: 0, 0..<2), real.slice(axis: 0, 2..<4)]
        let zero: (Tensor) -> Tensor = { _ in Tensor.zeros([1, self.columns]) }
        let columnSums = parts.map { part -> Tensor in
            var sums: Tensor?
            _ = share(transport, real: part, fake: fake, realCount: rows, shift: zero) { sums = $0.detached(); return $0 }
            return sums!
        }
        let shared = (0..<2).reduce(0.0) { total, p in
            total + Double(share(transport, real: parts[p], fake: fake, realCount: rows, shift: zero) { $0 + columnSums[1 - p] }.total.item)
        }
        XCTAssertEqual(shared, whole, accuracy: 1e-5 * max(1, whole))
        let alone = (0..<2).reduce(0.0) { $0 + Double(share(transport, real: parts[$1], fake: fake, realCount: rows).total.item) }
        XCTAssertGreaterThan(Swift.abs(alone - whole), 1e-2 * whole)
    }
}
