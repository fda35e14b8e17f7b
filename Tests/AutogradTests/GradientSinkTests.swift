import XCTest

@testable import Autograd

/// `gradients(of:into:)`: the gradients land in the caller's buffers, equal to what
/// `gradients(of:wrt:)` returns, and each target is reported exactly once, when its
/// gradient is final, in reverse order of use.
final class GradientSinkTests: XCTestCase {
    /// A three-layer network's weights and a WGAN-GP-like loss: outputs on a batch plus
    /// the squared norm of the input gradient (a double-backward graph that uses every
    /// weight twice more).
    private struct Problem {
        let weights: [Tensor]
        let input: Tensor

        init() {
            let shapes = [[3, 5], [5, 4], [4, 1]]
            weights = shapes.enumerated().map { index, shape in
                let count = shape.reduce(1, *)
                return Tensor(shape: shape, scalars: (0..<count).map { Float(($0 * 7 + index * 3) % 11) * 0.1 - 0.5 }).requiringGrad()
            }
            input = Tensor(shape: [6, 3], scalars: (0..<18).map { Float($0 % 5) * 0.3 - 0.6 })
        }

        func critic(_ x: Tensor) -> Tensor {
            matmul(matmul(matmul(x, weights[0]).relu(), weights[1]).relu(), weights[2])
        }

        func loss() -> Tensor {
            let points = input.requiringGrad()
            let inputGradient = gradients(of: critic(points).sum(), wrt: [points], createGraph: true)[0]
            return critic(input).mean() + inputGradient.square().sum() * 0.1
        }
    }

    func testTheGradientsWrittenIntoTheDestinationsEqualTheReturnedOnes() {
        let problem = Problem()
        let expected = gradients(of: problem.loss(), wrt: problem.weights)
        let destinations = problem.weights.map { Tensor(repeating: 7, shape: $0.shape) }
        gradients(of: problem.loss(), into: GradientSink(targets: problem.weights, destinations: destinations) { _ in })
        for (got, want) in zip(destinations, expected) {
            XCTAssertEqual(got.scalars, want.scalars)
        }
    }

    func testEachTargetIsReportedOnceWithItsFinalGradientAndUnusedOnesFirstWithZeros() {
        let problem = Problem()
        let unused = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]).requiringGrad()
        let targets = problem.weights + [unused]
        let expected = gradients(of: problem.loss(), wrt: targets)
        let destinations = targets.map { Tensor(repeating: 7, shape: $0.shape) }
        var reports: [(index: Int, values: [Float])] = []
        gradients(of: problem.loss(), into: GradientSink(targets: targets, destinations: destinations) { reports.append(($0, destinations[$0].scalars)) })
        XCTAssertEqual(reports.map(\.index).sorted(), [0, 1, 2, 3])
        XCTAssertEqual(reports.first?.index, 3, "a target the loss does not use is final before the sweep")
        for report in reports {
            XCTAssertEqual(report.values, expected[report.index].scalars, "target \(report.index) was reported before its gradient was final")
        }
        XCTAssertEqual(destinations[3].scalars, [0, 0, 0, 0])
    }

    func testTargetsAreReportedInReverseOrderOfUse() {
        let weights = (0..<4).map { Tensor(repeating: Float($0 + 1) * 0.5, shape: [3, 3]).requiringGrad() }
        var x = Tensor(repeating: 1, shape: [2, 3])
        for weight in weights { x = matmul(x, weight).tanh() }
        var order: [Int] = []
        let destinations = weights.map { Tensor.zeros($0.shape) }
        gradients(of: x.sum(), into: GradientSink(targets: weights, destinations: destinations) { order.append($0) })
        XCTAssertEqual(order, [3, 2, 1, 0])
    }

    func testALossThatIsATargetGetsTheSeedAndAConstantLossGivesZeros() {
        let leaf = Tensor([2]).requiringGrad()
        let destination = Tensor([9])
        var reported: [Int] = []
        gradients(of: leaf, into: GradientSink(targets: [leaf], destinations: [destination]) { reported.append($0) })
        XCTAssertEqual(destination.scalars, [1])
        XCTAssertEqual(reported, [0])
        gradients(of: Tensor([3]).sum(), into: GradientSink(targets: [leaf], destinations: [destination]) { reported.append($0) })
        XCTAssertEqual(destination.scalars, [0])
        XCTAssertEqual(reported, [0, 0])
    }
}
