import XCTest

@testable import Autograd

/// customOp records ops computed outside Autograd; these tests also use it as a
/// probe to see which gradients the engine asks a backward rule for.
final class CustomOpTests: XCTestCase {
    /// Records, per call of a probed op's backward, which inputs were wanted.
    final class NeedsLog {
        var calls: [(layer: String, input: Bool, weight: Bool)] = []
    }

    /// x · w computed without the graph and recorded as a custom op that logs its `needs`.
    private func probedProduct(_ x: Tensor, _ w: Tensor, layer: String, log: NeedsLog) -> Tensor {
        let value = withoutGradients { matmul(x, w) }
        return customOp("probedProduct", value: value, inputs: [x, w]) { ctx in
            log.calls.append((layer, ctx.needs(0), ctx.needs(1)))
            return [
                ctx.needs(0) ? matmul(ctx.gradient, ctx.inputs[1], transposeB: true) : nil,
                ctx.needs(1) ? matmul(ctx.inputs[0], ctx.gradient, transposeA: true) : nil,
            ]
        }
    }

    private let x = randomTensor([3, 2], salt: 1)
    private let w1 = randomTensor([2, 4], salt: 2)
    private let w2 = randomTensor([4, 1], salt: 3)

    private func critic(_ x: Tensor, _ w1: Tensor, _ w2: Tensor, _ log: NeedsLog) -> Tensor {
        probedProduct(probedProduct(x, w1, layer: "first", log: log).tanh(), w2, layer: "second", log: log)
    }

    func testInputGradientDoesNotAskForWeightGradients() {
        let log = NeedsLog()
        let (input, p1, p2) = (x.requiringGrad(), w1.requiringGrad(), w2.requiringGrad())
        _ = gradients(of: critic(input, p1, p2, log).sum(), wrt: [input])
        XCTAssertEqual(log.calls.map(\.layer), ["second", "first"])
        XCTAssertEqual(log.calls.map(\.weight), [false, false])
        XCTAssertEqual(log.calls.map(\.input), [true, true])
    }

    func testRulesBelowTheTargetsAreNotRun() {
        let log = NeedsLog()
        let (input, p1, p2) = (x.requiringGrad(), w1.requiringGrad(), w2.requiringGrad())
        _ = gradients(of: critic(input, p1, p2, log).sum(), wrt: [p2])
        XCTAssertEqual(log.calls.count, 1)
        XCTAssertEqual(log.calls.first?.layer, "second")
        XCTAssertEqual(log.calls.first?.input, false)
        XCTAssertEqual(log.calls.first?.weight, true)
    }

    func testBackwardAsksForEveryGradientThatIsRequired() {
        let log = NeedsLog()
        let (p1, p2) = (w1.requiringGrad(), w2.requiringGrad())
        critic(x, p1, p2, log).sum().backward()
        XCTAssertEqual(log.calls.map(\.weight), [true, true])
        // x is data (no gradient): the first layer is not asked for it.
        XCTAssertEqual(log.calls.map(\.input), [true, false])
        XCTAssertNotNil(p1.grad)
        XCTAssertNotNil(p2.grad)
    }

    func testCustomOpGradientsMatchFiniteDifferencesToSecondOrder() {
        let log = NeedsLog()
        GradientCheck().verify([x, w1, w2]) { self.critic($0[0], $0[1], $0[2], log) }
        GradientCheck().verifySecondOrder([x, w1, w2]) { self.critic($0[0], $0[1], $0[2], log) }
    }

    func testCustomOpWithoutDifferentiableInputsRecordsNothing() {
        let value = Tensor([1, 2])
        let y = customOp("constant", value: value, inputs: [Tensor([3])]) { _ in [nil] }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertNil(y.gradFn)
    }
}
