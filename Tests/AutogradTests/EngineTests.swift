import Dispatch
import XCTest

@testable import Autograd

/// What backward() and gradients(of:wrt:) promise: where gradients go, what
/// they leave alone, when a graph is built and when it is freed.
final class EngineTests: XCTestCase {
    func testBackwardAccumulatesIntoGradAcrossCalls() {
        let x = Tensor([1, -2, 3]).requiringGrad()
        (x * x).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [2, -4, 6])
        (x * x).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [4, -8, 12])
        (x * 10).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [14, 2, 22])
    }

    func testBackwardWithSeedWeightsANonScalarOutput() {
        let x = Tensor([1, 2]).requiringGrad()
        x.square().backward(seed: Tensor([3, -1]))
        XCTAssertEqual(x.grad?.scalars, [6, -4])
    }

    func testGradientsOfDoesNotTouchGrad() {
        let x = Tensor([1, 2]).requiringGrad()
        let w = Tensor([3, 4]).requiringGrad()
        let g = gradients(of: (x * w).sum(), wrt: [x])
        XCTAssertEqual(g[0].scalars, [3, 4])
        XCTAssertNil(x.grad)
        XCTAssertNil(w.grad)
        x.grad = Tensor([10, 20])
        _ = gradients(of: (x * w).sum(), wrt: [x, w])
        XCTAssertEqual(x.grad?.scalars, [10, 20])
        XCTAssertNil(w.grad)
    }

    func testTargetsThatDoNotReachTheLossGetZerosOfTheirShape() {
        let x = Tensor([1, 2]).requiringGrad()
        let unused = Tensor(shape: [2, 3], scalars: [Float](repeating: 1, count: 6)).requiringGrad()
        let g = gradients(of: x.square().sum(), wrt: [unused, x])
        XCTAssertEqual(g[0].shape, [2, 3])
        XCTAssertEqual(g[0].scalars, [Float](repeating: 0, count: 6))
        XCTAssertEqual(g[1].scalars, [2, 4])
        // A loss that depends on no parameter at all.
        let constant = gradients(of: Tensor([1, 2]).sum(), wrt: [x])
        XCTAssertEqual(constant[0].scalars, [0, 0])
    }

    func testGradientsWithRespectToAnIntermediateTensor() {
        let x = Tensor([1, 2]).requiringGrad()
        let h = x * 3
        let g = gradients(of: h.square().sum(), wrt: [h, x])
        XCTAssertEqual(g[0].scalars, [6, 12])
        XCTAssertEqual(g[1].scalars, [18, 36])
    }

    func testWithoutGradientsBuildsNoGraph() {
        let w = Tensor([1, 2]).requiringGrad()
        XCTAssertTrue(isRecordingGradients)
        let y = withoutGradients { () -> Tensor in
            XCTAssertFalse(isRecordingGradients)
            return (w * w).exp().sum()
        }
        XCTAssertTrue(isRecordingGradients)
        XCTAssertFalse(y.requiresGrad)
        XCTAssertNil(y.gradFn)
        XCTAssertEqual(y.item, expf(1) + expf(4), accuracy: 1e-4)
        // Nesting restores the outer state.
        withoutGradients {
            withoutGradients {}
            XCTAssertFalse(isRecordingGradients)
        }
        XCTAssertTrue((w * w).requiresGrad)
    }

    func testWithoutGradientsIsPerThread() {
        final class Box: @unchecked Sendable { var recording: Bool? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        withoutGradients {
            DispatchQueue.global().async {
                box.recording = isRecordingGradients
                done.signal()
            }
            done.wait()
        }
        XCTAssertEqual(box.recording, true)
    }

    func testDetachedStopsGradientsAndSharesValues() {
        let x = Tensor([2, 3]).requiringGrad()
        let frozen = x.detached()
        XCTAssertFalse(frozen.requiresGrad)
        XCTAssertTrue(frozen.storage === x.storage)
        (frozen * x).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [2, 3])
        let h = (x * 2).detached()
        XCTAssertNil(h.gradFn)
        XCTAssertEqual(gradients(of: (h * x).sum(), wrt: [x])[0].scalars, [4, 6])
    }

    func testATensorUsedTwiceGetsTheSumOfBothGradients() {
        let x = Tensor([1, -2, 3]).requiringGrad()
        XCTAssertEqual(gradients(of: (x * x).sum(), wrt: [x])[0].scalars, [2, -4, 6])
        XCTAssertEqual(gradients(of: (x + x).sum(), wrt: [x])[0].scalars, [2, 2, 2])
        // Three uses, through different paths, in one backward().
        let h = x.exp()
        (h * x + h - x).sum().backward()
        let expected = x.scalars.map { expf($0) * ($0 + 1) + expf($0) - 1 }
        XCTAssertEqual(x.grad!.scalars, expected, accuracy: 1e-5)
    }

    func testSharedGradientBuffersAreNeverAddedIntoInPlace() {
        // add hands one gradient buffer to both operands; when one operand then
        // gets a second contribution, the sum must go to a new buffer, or the other
        // operand's gradient (and here the caller's seed) would change with it.
        for pOnTheLeft in [true, false] {
            let x = Tensor([1, 2]).requiringGrad()
            let p = x * 2
            let q = x * 3
            let h = p + q
            let seed = Tensor([1, 10])
            let y = pOnTheLeft ? p * 5 + h : h + p * 5
            y.backward(seed: seed)
            // dy/dx = 5·2 + 2 + 3 = 15 per unit of seed.
            XCTAssertEqual(x.grad?.scalars, [15, 150], "p on the left: \(pOnTheLeft)")
            XCTAssertEqual(seed.scalars, [1, 10])
            let again = gradients(of: (pOnTheLeft ? (x * 2 + x * 3) + x : x + (x * 2 + x * 3)).sum(), wrt: [x])[0]
            XCTAssertEqual(again.scalars, [6, 6])
        }
    }

    func testEachGradHasItsOwnStorage() {
        // add passes one gradient buffer to both operands; writing one .grad in place
        // (an optimizer's weight decay, a gradient sync) must not change the other.
        let a = Tensor([1, 2]).requiringGrad()
        let b = Tensor([3, 4]).requiringGrad()
        (a + b).sum().backward()
        a.grad!.withMutableScalars { $0[0] = 100 }
        XCTAssertEqual(b.grad?.scalars, [1, 1])
        // Nor may a .grad share storage with the caller's seed.
        let seed = Tensor([5, 6])
        let c = Tensor([0, 0]).requiringGrad()
        c.backward(seed: seed)
        seed.withMutableScalars { $0[0] = -1 }
        XCTAssertEqual(c.grad?.scalars, [5, 6])
    }

    func testRetainGraphAllowsASecondBackward() {
        let x = Tensor([1, 2]).requiringGrad()
        let loss = (x.exp() * x).sum()
        loss.backward(retainGraph: true)
        XCTAssertEqual(loss.gradFn?.isReleased, false)
        let once = x.grad!.scalars
        loss.backward()
        XCTAssertEqual(x.grad!.scalars, once.map { 2 * $0 }, accuracy: 1e-5)
        XCTAssertEqual(loss.gradFn?.isReleased, true, "the second backward, without retainGraph, frees the graph")
    }

    func testCreateGraphGradientsRequireGradWhenTheyDependOnParameters() {
        let x = Tensor([1, 2]).requiringGrad()
        let w = Tensor([3, 4]).requiringGrad()
        let loss = (x * w).tanh().sum()
        let recorded = gradients(of: loss, wrt: [x], createGraph: true)[0]
        XCTAssertTrue(recorded.requiresGrad)
        XCTAssertNotNil(recorded.gradFn)
        // The recorded gradient can be differentiated again: d/dw Σ dL/dx.
        let second = gradients(of: recorded.sum(), wrt: [w])[0]
        let expected = zip(x.scalars, w.scalars).map { xv, wv -> Float in
            let t = tanhf(xv * wv)
            return (1 - t * t) - 2 * t * (1 - t * t) * xv * wv
        }
        XCTAssertEqual(second.scalars, expected, accuracy: 1e-5)
        let plain = gradients(of: (x * w).tanh().sum(), wrt: [x])[0]
        XCTAssertFalse(plain.requiresGrad)
        XCTAssertNil(plain.gradFn)
    }

    func testCreateGraphKeepsTheGraphForTheOuterBackward() {
        let x = Tensor([0.5, -1]).requiringGrad()
        let y = x.sigmoid().sum()
        let g = gradients(of: y, wrt: [x], createGraph: true)[0]
        XCTAssertEqual(y.gradFn?.isReleased, false)
        g.sum().backward()
        let s = x.scalars.map { 1 / (1 + expf(-$0)) }
        XCTAssertEqual(x.grad!.scalars, s.map { $0 * (1 - $0) * (1 - 2 * $0) }, accuracy: 1e-6)
    }
}
