import XCTest

@testable import Autograd

/// A training loop must not leak: graphs are freed after backward, and a long
/// run of WGAN-GP critic steps keeps resident memory flat.
final class MemoryTests: XCTestCase {
    /// Resident set size in bytes, from /proc/self/statm (Linux).
    private func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// One critic step: WGAN-GP loss, backward into .grad, plain SGD in place, grads cleared.
    /// Returns weak references to tensors from inside the step's graph.
    @discardableResult
    private func criticStep(_ fixture: CriticFixture, step: Int, batchSize: Int = 32) -> [() -> Tensor?] {
        let stream = RandomStream(seed: 11, purpose: "memory-real", step: step)
        let real = stream.normal(rows: batchSize, columns: 2) + 2
        let fake = RandomStream(seed: 11, purpose: "memory-fake", step: step).normal(rows: batchSize, columns: 2)
        let alpha = RandomStream(seed: 11, purpose: "memory-alpha", step: step).uniform(rows: batchSize, columns: 1)
        let batch = CriticBatch(real: real, fake: fake, alpha: alpha)
        let interpolated = batch.interpolated
        let scores = fixture.critic(fixture.parameters, interpolated)
        let inputGradient = gradients(of: scores.sum(), wrt: [interpolated], createGraph: true)[0]
        let penalty = (inputGradient.norm(axis: 1) - 1).square().mean() * 10
        let loss = fixture.critic(fixture.parameters, fake).mean() - fixture.critic(fixture.parameters, real).mean() + penalty
        loss.backward()
        for parameter in fixture.parameters {
            guard let grad = parameter.grad else { continue }
            grad.withScalars { g in parameter.withMutableScalars { p in for i in p.indices { p[i] -= 1e-3 * g[i] } } }
            parameter.grad = nil
        }
        return [{ [weak scores] in scores }, { [weak inputGradient] in inputGradient }, { [weak penalty] in penalty }]
    }

    func testBackwardFreesTheGraphWhileTheLossIsStillAlive() {
        let fixture = CriticFixture.mlp(salt: 1)
        let parameters = fixture.parameters.map { $0.requiringGrad() }
        let x = randomTensor([4, 2], salt: 2)
        weak var hidden: Tensor?
        let loss: Tensor = {
            let h = linear(x, weight: parameters[0], bias: parameters[1]).relu()
            hidden = h
            return linear(h, weight: parameters[2], bias: parameters[3]).sum()
        }()
        XCTAssertNotNil(hidden, "the graph holds the hidden activation until backward")
        loss.backward()
        XCTAssertNil(hidden, "backward released the graph")
        XCTAssertEqual(loss.gradFn?.isReleased, true, "the loss has a node, and backward released it")
    }

    func testRetainGraphKeepsTheGraphAlive() {
        let w = randomTensor([3, 2], salt: 3).requiringGrad()
        weak var hidden: Tensor?
        let loss: Tensor = {
            let h = linear(randomTensor([4, 2], salt: 4), weight: w, bias: nil).tanh()
            hidden = h
            return h.sum()
        }()
        loss.backward(retainGraph: true)
        XCTAssertNotNil(hidden)
        loss.backward()
        XCTAssertNil(hidden)
    }

    func testNothingFromACriticStepOutlivesIt() {
        var fixture = CriticFixture.mlp(salt: 1)
        fixture.parameters = fixture.parameters.map { $0.requiringGrad() }
        let references = criticStep(fixture, step: 0)
        for (index, reference) in references.enumerated() { XCTAssertNil(reference(), "tensor \(index) of the step is still alive") }
        XCTAssertTrue(fixture.parameters.allSatisfy { $0.grad == nil && $0.gradFn == nil })
    }

    func testAThousandCriticStepsKeepResidentMemoryFlat() throws {
        var fixture = CriticFixture.mlp(salt: 1)
        fixture.parameters = fixture.parameters.map { $0.requiringGrad() }
        let before = fixture.parameters.flatMap(\.scalars)
        for step in 0..<100 { criticStep(fixture, step: step) }
        let warm = try XCTUnwrap(residentBytes())
        for step in 100..<1100 { criticStep(fixture, step: step) }
        let after = try XCTUnwrap(residentBytes())
        let growth = after - warm
        XCTAssertLessThan(growth, 2 << 20, "resident memory grew by \(growth / 1024) KiB over 1,000 steps")
        // The steps did train: parameters moved, and stayed finite.
        let trained = fixture.parameters.flatMap(\.scalars)
        XCTAssertNotEqual(before, trained)
        XCTAssertTrue(trained.allSatisfy(\.isFinite))
    }
}
