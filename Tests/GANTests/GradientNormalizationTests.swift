import Autograd
import GAN
import XCTest

/// GraN and GN on critics with known gradients, and their gradients (which
/// differentiate through ∇ₓf: double backward) against finite differences, for the
/// critic's parameters (the critic step) and for the samples' producer (the generator step).
final class GradientNormalizationTests: XCTestCase {
    private let points = Tensor(shape: [4, 2], scalars: [0.3, -0.2, 1.1, 0.4, -0.7, 0.9, 0.05, -1.2])

    /// f(x) = w·x + b with w = (3, 4): ‖∇f‖ = 5 everywhere.
    private func linearCritic(_ x: Tensor) -> Tensor {
        linear(x, weight: Tensor(shape: [1, 2], scalars: [3, 4]), bias: Tensor([0.5]))
    }

    func testGraNOfALinearCriticIsKTimesFTimesTheNormOverTheSquaredNormPlusEpsilon() {
        let normalization = GradientNormalization(variant: .gran, lipschitz: 2, epsilon: 0.5)
        let values = normalization.normalized(linearCritic, at: points)
        XCTAssertEqual(values.shape, [4])
        for (i, value) in values.scalars.enumerated() {
            let f = 3 * points.scalars[2 * i] + 4 * points.scalars[2 * i + 1] + 0.5
            XCTAssertEqual(value, 2 * f * 5 / (25 + 0.5), accuracy: 1e-5)
        }
    }

    func testGNOfALinearCriticIsFOverTheNormPlusItsMagnitude() {
        let values = GradientNormalization(variant: .gn).normalized(linearCritic, at: points).scalars
        for (i, value) in values.enumerated() {
            let f = 3 * points.scalars[2 * i] + 4 * points.scalars[2 * i + 1] + 0.5
            XCTAssertEqual(value, f / (5 + Swift.abs(f)), accuracy: 1e-6)
            XCTAssertLessThan(Swift.abs(value), 1)
        }
    }

    func testWithoutEpsilonGraNIgnoresTheCriticsScale() {
        // f and 100·f have the same normalized value: the constraint, not the scale, decides.
        let normalization = GradientNormalization(variant: .gran, lipschitz: 1, epsilon: 0)
        let critic = SmoothCritic()
        let plain = normalization.normalized({ critic($0) }, at: points).scalars
        let scaled = normalization.normalized({ critic($0) * 100 }, at: points).scalars
        for (a, b) in zip(plain, scaled) { XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, Swift.abs(a))) }
    }

    func testSamplesAreNormalizedIndependentlyOfTheirBatch() {
        let normalization = GradientNormalization(variant: .gran)
        let critic = SmoothCritic()
        let whole = normalization.normalized({ critic($0) }, at: points).scalars
        let part = normalization.normalized({ critic($0) }, at: points.slice(axis: 0, 1..<3)).scalars
        XCTAssertEqual(part, Array(whole[1..<3]))
    }

    /// The critic step: d Σ v ⊙ f̂(x) / d(critic parameters), with x data.
    func testCriticParameterGradientsMatchFiniteDifferences() {
        let weights = Tensor([1, -0.6, 0.8, 1.4])
        for normalization in [GradientNormalization(variant: .gran, lipschitz: 1.5, epsilon: 0.1), GradientNormalization(variant: .gn)] {
            let critic = SmoothCritic(salt: 1)
            let loss = { (normalization.normalized({ critic($0) }, at: self.points) * weights).sum() }
            let analytic = gradients(of: loss(), wrt: critic.parameters)
            for (index, parameter) in critic.parameters.enumerated() {
                let numeric = numericGradient(of: { Double(loss().item) }, perturbing: parameter)
                assertGradientsMatch(analytic[index], numeric, "\(normalization.variant) critic parameter \(index)")
            }
        }
    }

    /// The generator step: x = A·z depends on A, and f̂(x)'s gradient reaches A through f
    /// and through ‖∇ₓf‖ (a Hessian-vector product of the critic).
    func testGradientsThroughTheSamplesMatchFiniteDifferences() {
        let latents = Tensor(shape: [4, 3], scalars: [0.2, -1, 0.5, 0.8, 0.1, -0.4, -0.3, 0.6, 1.2, 0.9, -0.7, 0.05])
        let weights = Tensor([0.7, 1.1, -0.9, 0.5])
        for normalization in [GradientNormalization(variant: .gran, lipschitz: 1, epsilon: 0.05), GradientNormalization(variant: .gn)] {
            let critic = SmoothCritic(salt: 2)
            let producer = Tensor(shape: [2, 3], scalars: [0.4, -0.3, 0.9, 0.2, 0.7, -0.5]).requiringGrad()
            let loss = { (normalization.normalized({ critic($0) }, at: linear(latents, weight: producer, bias: nil)) * weights).sum() }
            let analytic = gradients(of: loss(), wrt: [producer])[0]
            let numeric = numericGradient(of: { Double(loss().item) }, perturbing: producer)
            assertGradientsMatch(analytic, numeric, "\(normalization.variant) through the samples")
        }
    }
}
