import XCTest

@testable import Autograd

/// The whole WGAN-GP critic loss, gradient penalty included, differentiated by
/// backward() into each parameter's .grad and checked against finite differences.
final class CriticGradientTests: XCTestCase {
    /// Finite-difference steps move a kink input by about 3ε; this keeps them all on one side.
    private func check(zero: Set<Int>) -> GradientCheck {
        GradientCheck(epsilon: 2e-3, tolerance: 2e-3, zeroGradientInputs: zero)
    }
    private let kinkMargin: Float = 0.02

    /// The first salt whose critic and batch keep every kink input at least `kinkMargin` from 0.
    private func smoothSetup(
        _ make: (Int) -> CriticFixture, sampleShape: [Int], file: StaticString = #filePath, line: UInt = #line
    ) -> (CriticFixture, CriticBatch)? {
        for salt in 1...300 {
            let fixture = make(salt)
            let batch = CriticBatch(sampleShape: sampleShape, count: 3, salt: 1000 + salt)
            let inputs = [batch.real, batch.fake, batch.interpolated]
            let nearest = inputs.flatMap { fixture.kinkInputs(fixture.parameters, $0) }.flatMap(\.scalars).map(Swift.abs).min() ?? 0
            if nearest >= kinkMargin { return (fixture, batch) }
        }
        XCTFail("no salt keeps the kink inputs away from 0", file: file, line: line)
        return nil
    }

    func testMLPCriticLossGradientMatchesFiniteDifferences() throws {
        let (fixture, batch) = try XCTUnwrap(smoothSetup(CriticFixture.mlp, sampleShape: [2]))
        // The last bias shifts D(fake) and D(real) alike and leaves ∇ₓD alone: its gradient is 0.
        check(zero: [5]).verifyBackward(fixture.parameters) { wassersteinGradientPenaltyLoss(fixture, $0, batch) }
    }

    func testMLPGradientPenaltyAloneMatchesFiniteDifferences() throws {
        let (fixture, batch) = try XCTUnwrap(smoothSetup(CriticFixture.mlp, sampleShape: [2]))
        // With the ReLU pattern fixed, ∇ₓD depends on the weights only.
        check(zero: [1, 3, 5]).verifyBackward(fixture.parameters) {
            wassersteinGradientPenaltyLoss(fixture, $0, batch, includeCriticTerms: false)
        }
    }

    func testConvolutionalCriticLossGradientMatchesFiniteDifferences() throws {
        let (fixture, batch) = try XCTUnwrap(smoothSetup(CriticFixture.convolutional, sampleShape: [1, 6, 6]))
        // Past the last activation, biases shift D(fake) and D(real) alike.
        check(zero: [3, 5]).verifyBackward(fixture.parameters) { wassersteinGradientPenaltyLoss(fixture, $0, batch) }
    }

    func testConvolutionalGradientPenaltyAloneMatchesFiniteDifferences() throws {
        let (fixture, batch) = try XCTUnwrap(smoothSetup(CriticFixture.convolutional, sampleShape: [1, 6, 6]))
        check(zero: [1, 3, 5]).verifyBackward(fixture.parameters) {
            wassersteinGradientPenaltyLoss(fixture, $0, batch, includeCriticTerms: false)
        }
    }

    func testPenaltyIsZeroForACriticWithUnitInputGradient() {
        // D(x) = x · u with ‖u‖ = 1 has ∇ₓD = u everywhere: the penalty vanishes, and so does its gradient.
        let u = Tensor(shape: [1, 2], scalars: [0.6, 0.8]).requiringGrad()
        let fixture = CriticFixture(parameters: [u], critic: { linear($1, weight: $0[0], bias: nil) }, kinkInputs: { _, _ in [] })
        let batch = CriticBatch(sampleShape: [2], count: 4, salt: 5)
        let penalty = wassersteinGradientPenaltyLoss(fixture, [u], batch, includeCriticTerms: false)
        XCTAssertEqual(penalty.item, 0, accuracy: 1e-10)
        penalty.backward()
        XCTAssertEqual(u.grad!.scalars, [0, 0], accuracy: 1e-6)
    }
}
