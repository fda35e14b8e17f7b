import Autograd
import Foundation
import GAN
import NN
import XCTest

/// MMD GAN's kernel, its MMD² with the reference's constant diagonal, the witness and
/// its gradient penalty, the activation penalty: values against direct sums in
/// Double, gradients against finite differences (second order for the penalty).
final class MMDKernelTests: XCTestCase {
    private let kernel = MixedRationalQuadraticKernel()
    private let x = Tensor(shape: [3, 2], scalars: [0.3, -0.2, 1.1, 0.4, -0.7, 0.9])
    private let y = Tensor(shape: [4, 2], scalars: [0.5, 0.6, -0.2, 0.1, 0.8, -0.3, -1.0, 0.5])

    private func row(_ t: Tensor, _ i: Int) -> [Double] { (0..<t.shape[1]).map { Double(t.scalars[i * t.shape[1] + $0]) } }

    private func reference(_ a: [Double], _ b: [Double]) -> Double {
        let distance = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
        return [0.1, 1, 10].reduce(dot) { $0 + Foundation.pow(1 + distance / (2 * $1), -$1) }
    }

    private func referenceSum(_ a: Tensor, _ b: Tensor) -> Double {
        (0..<a.shape[0]).reduce(0) { total, i in (0..<b.shape[0]).reduce(total) { $0 + reference(row(a, i), row(b, $1)) } }
    }

    func testKernelMatrixIsTheSumOfThreeRationalQuadraticsAndTheDotProduct() {
        let matrix = kernel.matrix(x, y)
        XCTAssertEqual(matrix.shape, [3, 4])
        for i in 0..<3 {
            for j in 0..<4 {
                XCTAssertEqual(Double(matrix.scalars[i * 4 + j]), reference(row(x, i), row(y, j)), accuracy: 1e-5)
            }
        }
    }

    func testMMD2SubtractsThreePerDiagonalElementAndKeepsTheDotDiagonal() {
        let (m, n) = (3.0, 4.0)
        let expected = (referenceSum(x, x) - 3 * m) / (m * (m - 1)) + (referenceSum(y, y) - 3 * n) / (n * (n - 1)) - 2 * referenceSum(x, y) / (m * n)
        XCTAssertEqual(Double(kernel.unbiasedMMD2(x, y).item), expected, accuracy: 1e-5)
        // The textbook estimator removes the whole diagonal, ⟨x, x⟩ included: they differ by the mean squared norms.
        let squaredNorms = { (t: Tensor, rows: Double) in (0..<Int(rows)).reduce(0.0) { s, i in s + self.row(t, i).reduce(0) { $0 + $1 * $1 } } }
        let textbook = expected - squaredNorms(x, m) / (m * (m - 1)) - squaredNorms(y, n) / (n * (n - 1))
        XCTAssertGreaterThan(Swift.abs(expected - textbook), 0.1)
    }

    func testWitnessIsMeanKernelAgainstRealMinusAgainstFake() {
        let points = Tensor(shape: [2, 2], scalars: [0.1, 0.2, -0.5, 0.7])
        let witness = kernel.witness(at: points, real: x, fake: y).scalars
        for p in 0..<2 {
            let toReal = (0..<3).reduce(0.0) { $0 + reference(row(points, p), row(x, $1)) } / 3
            let toFake = (0..<4).reduce(0.0) { $0 + reference(row(points, p), row(y, $1)) } / 4
            XCTAssertEqual(Double(witness[p]), toReal - toFake, accuracy: 1e-5)
        }
    }

    func testMMD2GradientsMatchFiniteDifferencesToFirstAndSecondOrder() {
        let (a, b) = (x.requiringGrad(), y.requiringGrad())
        let analytic = gradients(of: kernel.unbiasedMMD2(a, b), wrt: [a, b])
        for (index, input) in [a, b].enumerated() {
            assertGradientsMatch(analytic[index], numericGradient(of: { Double(self.kernel.unbiasedMMD2(a, b).item) }, perturbing: input), "MMD² input \(index)")
        }
        // Second order: the gradient of ‖∂MMD²/∂a‖² with respect to both sets.
        let penalty = { () -> Tensor in gradients(of: self.kernel.unbiasedMMD2(a, b), wrt: [a], createGraph: true)[0].square().sum() }
        let second = gradients(of: penalty(), wrt: [a, b])
        for (index, input) in [a, b].enumerated() {
            assertGradientsMatch(second[index], numericGradient(of: { Double(penalty().item) }, perturbing: input), tolerance: 5e-3, "second order \(index)")
        }
    }

    /// The witness penalty differentiates a gradient of the critic (through both the
    /// interpolates and the batch features) into the critic's parameters.
    func testWitnessPenaltyParameterGradientsMatchFiniteDifferences() {
        let critic = SmoothCritic(inputs: 2, hidden: 5, outputs: 3, salt: 4)
        let alpha = Tensor([0.2, 0.7, 0.5])
        let fake = y.slice(axis: 0, 0..<3)
        let points = WitnessPenalty.interpolates(real: x, fake: fake, alpha: alpha)
        let loss = { () -> Tensor in
            WitnessPenalty(kernel: self.kernel).terms(critic: { critic($0) }, at: points, realFeatures: critic(self.x), fakeFeatures: critic(fake)).sum()
        }
        let analytic = gradients(of: loss(), wrt: critic.parameters)
        for (index, parameter) in critic.parameters.enumerated() {
            assertGradientsMatch(analytic[index], numericGradient(of: { Double(loss().item) }, perturbing: parameter), tolerance: 5e-3, "parameter \(index)")
        }
    }

    func testInterpolatesMoveFromRealToFakeWithAlpha() {
        let points = WitnessPenalty.interpolates(real: x, fake: y.slice(axis: 0, 0..<3), alpha: Tensor([0, 1, 0.25])).scalars
        XCTAssertEqual(Array(points[0..<2]), Array(x.scalars[0..<2]))
        XCTAssertEqual(Array(points[2..<4]), Array(y.scalars[2..<4]))
        XCTAssertEqual(points[4], 0.75 * -0.7 + 0.25 * 0.8, accuracy: 1e-6)
    }

    func testWitnessPenaltyOfAnIdentityCriticOnOneDimensionIsItsSlopeMinusOneSquared() {
        // Features = the input itself; real and fake features single points: w(t) = k(t, r) − k(t, f).
        let (r, f) = (Tensor(shape: [1, 1], scalars: [0.5]), Tensor(shape: [1, 1], scalars: [-0.5]))
        let at = Tensor(shape: [1, 1], scalars: [0.1])
        let terms = WitnessPenalty(kernel: kernel, normEpsilon: 0).terms(critic: { $0 }, at: at, realFeatures: r, fakeFeatures: f)
        func w(_ t: Double) -> Double { reference([t], [0.5]) - reference([t], [-0.5]) }
        let slope = (w(0.1 + 1e-4) - w(0.1 - 1e-4)) / 2e-4
        XCTAssertEqual(Double(terms.item), (Swift.abs(slope) - 1) * (Swift.abs(slope) - 1), accuracy: 1e-3)
    }

    func testActivationPenaltySumsTheMeanSquareOfEveryActivationAndTheOutput() throws {
        let first = Linear(inputs: 2, outputs: 3, seed: 3, name: "0")
        let last = Linear(inputs: 3, outputs: 2, seed: 4, name: "2")
        let critic = Sequential([first, LeakyReLU(slope: 0.2), last])
        let (output, squares) = ActivationPenalty.forward(critic, x)
        XCTAssertEqual(output.scalars, critic(x).scalars)
        let hidden = first(x).leakyReLU(slope: 0.2)
        for i in 0..<3 {
            let h = (0..<3).reduce(0.0) { $0 + Double(hidden.scalars[i * 3 + $1]) * Double(hidden.scalars[i * 3 + $1]) } / 3
            let o = (0..<2).reduce(0.0) { $0 + Double(output.scalars[i * 2 + $1]) * Double(output.scalars[i * 2 + $1]) } / 2
            XCTAssertEqual(Double(squares.scalars[i]), h + o, accuracy: 1e-5)
        }
    }
}
