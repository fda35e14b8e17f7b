import Autograd
import NN
import XCTest

/// Splitting one update into element ranges (as a data-parallel trainer does across
/// its ranks) changes nothing: the pieces together equal the whole update.
final class ShardedOptimizerStepTests: XCTestCase {
    private func parameters() -> NamedTensors {
        [
            ("0.weight", Tensor(shape: [3, 4], scalars: (0..<12).map { Float($0) * 0.1 - 0.5 }).requiringGrad()),
            ("0.bias", Tensor([0.2, -0.1, 0.3]).requiringGrad()),
            ("2.weight", Tensor(shape: [1, 3], scalars: [0.7, -0.4, 0.05]).requiringGrad()),
        ]
    }

    private func gradients(step: Int) -> [Tensor] {
        [
            Tensor(shape: [3, 4], scalars: (0..<12).map { sin(Float($0 + step)) }),
            Tensor([0.5, -1, 0.25].map { $0 * Float(step + 1) }),
            Tensor(shape: [1, 3], scalars: [-0.3, 0.8, 0.1]),
        ]
    }

    /// One optimizer per piece (as each rank has its own), all on the same flat parameters:
    /// each updates only its piece, once per step. Together they must equal one
    /// optimizer updating everything, parameters and (piece by piece) state alike.
    private func assertSplitStepsMatchWholeSteps(_ make: (FlatParameters) throws -> any Optimizer) throws {
        let whole = parameters()
        let split = parameters()
        let wholeOptimizer = try make(FlatParameters(whole))
        // 18 elements in all (12 + 3 + 3), cut inside parameters and at a boundary.
        let pieces = [0..<5, 5..<12, 12..<13, 13..<18]
        let splitFlat = FlatParameters(split)
        let pieceOptimizers = try pieces.map { _ in try make(splitFlat) }
        for step in 0..<3 {
            wholeOptimizer.step(gradients: gradients(step: step))
            splitFlat.setGradients(gradients(step: step))
            for (piece, optimizer) in zip(pieces, pieceOptimizers) { optimizer.step(elements: piece) }
        }
        for ((name, a), (_, b)) in zip(whole, split) { XCTAssertEqual(a.scalars, b.scalars, name) }
        for kind in stateKinds(wholeOptimizer) {
            let expected = laidOut(wholeOptimizer, kind)
            for (piece, optimizer) in zip(pieces, pieceOptimizers) {
                XCTAssertEqual(Array(laidOut(optimizer, kind)[piece]), Array(expected[piece]), "\(kind) on \(piece)")
            }
        }
    }

    /// The per-element state kinds ("exp_avg", ...) of an optimizer.
    private func stateKinds(_ optimizer: any Optimizer) -> [String] {
        optimizer.stateTensors().map(\.name).filter { $0.hasPrefix("0.weight.") }.map { String($0.dropFirst("0.weight.".count)) }
    }

    /// One kind of state for all parameters laid end to end, in parameter order.
    private func laidOut(_ optimizer: any Optimizer, _ kind: String) -> [Float] {
        let state = Dictionary(uniqueKeysWithValues: optimizer.stateTensors().map { ($0.name, $0.tensor.scalars) })
        return ["0.weight", "0.bias", "2.weight"].flatMap { state["\($0).\(kind)"]! }
    }

    func testAdamUpdatedInPiecesEqualsTheWholeUpdate() throws {
        try assertSplitStepsMatchWholeSteps { try Adam(parameters: $0, learningRate: 0.01, betas: (0.5, 0.9), weightDecay: 0.1) }
        try assertSplitStepsMatchWholeSteps { try Adam(parameters: $0, learningRate: 0.01, weightDecay: 0.1, decoupled: true) }
    }

    func testSGDUpdatedInPiecesEqualsTheWholeUpdate() throws {
        try assertSplitStepsMatchWholeSteps { try SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true) }
    }

    func testRMSpropUpdatedInPiecesEqualsTheWholeUpdate() throws {
        try assertSplitStepsMatchWholeSteps { try RMSprop(parameters: $0, learningRate: 0.01, momentum: 0.5, centered: true) }
    }
}
