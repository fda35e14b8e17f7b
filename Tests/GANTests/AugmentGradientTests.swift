import Autograd
import GAN
import XCTest

/// Gradients through the augmentations against finite differences: first order (the
/// generator's gradient through the critic's augmented input) and second order (a
/// gradient penalty differentiates the input gradient again), and R1 through the
/// augmentation, taken with respect to the un-augmented real images.
final class AugmentGradientTests: XCTestCase {
    private let draws = AugmentDraws(seed: 21, purpose: "augment.penalty", step: 1, firstRow: 5)
    private let images = seededTensor([3, 2, 6, 6], salt: 11, scale: 0.25, shift: 0.5)
    private let weights = seededTensor([3, 2, 6, 6], salt: 12)

    /// L = Σ P ⊙ tanh(A(x) ⊙ w) and its second-order companion Σ Q ⊙ (∂L/∂x)².
    private func checkBothOrders(_ label: String, _ augment: @escaping (Tensor) -> Tensor) {
        let p = seededTensor(images.shape, salt: 13)
        let q = seededTensor(images.shape, salt: 14)
        let first: ([Tensor]) -> Tensor = { ($0[1] * augment($0[0])).tanh() * p }
        let second: ([Tensor]) -> Tensor = { xs in
            let inner = gradients(of: first(xs).sum(), wrt: [xs[0]], createGraph: true)[0]
            return inner.square() * q
        }
        for (order, f) in [("first order", first), ("second order", second)] {
            let leaves = [images, weights].map { $0.requiringGrad() }
            let analytic = gradients(of: f(leaves).sum(), wrt: leaves)
            RichardsonDifferences().assertGradients(analytic, of: f, at: [images, weights], "\(label), \(order)")
        }
    }

    func testDiffAugmentsGradientsMatchRichardsonDifferences() {
        checkBothOrders("diffaugment") { DiffAugment(policy: [.color, .translation, .cutout])($0, draws: self.draws) }
    }

    func testADAsGradientsMatchFiniteDifferencesAtSeveralProbabilities() {
        for p: Float in [1, 0.5] {
            checkBothOrders("ada p \(p)") { AdaptiveAugment(probability: p)($0, draws: self.draws) }
        }
    }

    /// A critic on flattened images: D(x) = W₂ · tanh(W₁ · x + b₁).
    private func critic(_ parameters: [Tensor]) -> (Tensor) -> Tensor {
        { x in linear(linear(x.flattenedBatch(), weight: parameters[0], bias: parameters[1]).tanh(), weight: parameters[2], bias: nil) }
    }

    private let parameters = [seededTensor([4, 72], salt: 15, scale: 0.3), seededTensor([4], salt: 16, scale: 0.1), seededTensor([1, 4], salt: 17)]

    private func r1(_ parameters: [Tensor], augmented: Bool) -> Tensor {
        let d = critic(parameters)
        let augment = AdaptiveAugment(probability: 1)
        let inputs = PenaltyInputs(
            critic: { augmented ? d(augment($0, draws: self.draws)) : d($0) }, real: images, fake: images, seed: 1, criticStep: 0, firstRow: 5)
        return ZeroCenteredPenalty(gamma: 10, on: .real).terms(inputs)
    }

    func testR1ThroughTheAugmentationDifferentiatesToTheCriticsParameters() {
        let leaves = parameters.map { $0.requiringGrad() }
        let analytic = gradients(of: r1(leaves, augmented: true).sum(), wrt: leaves)
        RichardsonDifferences().assertGradients(analytic, of: { self.r1($0, augmented: true) }, at: parameters, "R1 through ADA")
        // The augmentation is on the path: R1 of the plain critic differs.
        let plain = r1(parameters, augmented: false).scalars
        let through = r1(parameters, augmented: true).scalars
        XCTAssertGreaterThan(zip(plain, through).map { Swift.abs($0 - $1) }.max()!, 1e-3)
    }

    func testTheGradientR1SquaresIsTakenWithRespectToTheUnaugmentedImages() {
        // R1 = γ/2 ‖∂D(A(x))/∂x‖²: compare ∂D(A(x))/∂x with finite differences in x.
        let d = critic(parameters)
        let f: ([Tensor]) -> Tensor = { d(AdaptiveAugment(probability: 1)($0[0], draws: self.draws)) }
        let x = images.requiringGrad()
        let gradient = gradients(of: f([x]).sum(), wrt: [x])[0]
        RichardsonDifferences().assertGradients([gradient], of: f, at: [images], "dD(A(x))/dx")
        let norms = (0..<3).map { s in gradient.scalars[(s * 72)..<((s + 1) * 72)].reduce(0) { $0 + $1 * $1 } * 5 }
        for (value, expected) in zip(r1(parameters, augmented: true).scalars, norms) { XCTAssertEqual(value, expected, accuracy: 1e-4 * max(1, expected)) }
    }
}
