import XCTest

@testable import Autograd

/// Finite-difference checks of the activations a critic uses, first order and
/// second order (gradient penalties differentiate through them twice).
final class ActivationGradientTests: XCTestCase {
    private struct Activation {
        let name: String
        let apply: (Tensor) -> Tensor
        /// Piecewise linear: the input-gradient penalty does not depend on the input.
        let piecewiseLinear: Bool
    }

    private let activations: [Activation] = [
        Activation(name: "relu", apply: { $0.relu() }, piecewiseLinear: true),
        Activation(name: "leakyReLU", apply: { $0.leakyReLU(slope: 0.2) }, piecewiseLinear: true),
        Activation(name: "elu", apply: { $0.elu(alpha: 1.3) }, piecewiseLinear: false),
        Activation(name: "tanh", apply: { $0.tanh() }, piecewiseLinear: false),
        Activation(name: "sigmoid", apply: { $0.sigmoid() }, piecewiseLinear: false),
        Activation(name: "softplus", apply: { $0.softplus() }, piecewiseLinear: false),
        Activation(name: "logSigmoid", apply: { $0.logSigmoid() }, piecewiseLinear: false),
    ]

    func testEveryActivationGradientMatchesFiniteDifferences() {
        // Both signs, away from the kink at 0, spread over [-4, 4].
        let x = randomTensorAvoiding([0], [4, 6], salt: 1) * 2
        for activation in activations {
            GradientCheck(name: activation.name).verify([x]) { activation.apply($0[0]) }
        }
    }

    func testEveryActivationSecondOrderMatchesFiniteDifferences() {
        let x = randomTensorAvoiding([0], [4, 6], salt: 2)
        let w = randomTensorAvoiding([0], [6], salt: 3)
        for activation in activations {
            let check = GradientCheck(zeroGradientInputs: activation.piecewiseLinear ? [0] : [], name: activation.name)
            check.verifySecondOrder([x, w]) { activation.apply($0[0] * $0[1]) }
        }
    }

    func testReluFamilyGradientsHaveExactValues() {
        let x = Tensor([-2, -0.5, 0.5, 3]).requiringGrad()
        x.relu().sum().backward()
        XCTAssertEqual(x.grad?.scalars, [0, 0, 1, 1])
        x.grad = nil
        x.leakyReLU(slope: 0.2).sum().backward()
        XCTAssertEqual(x.grad?.scalars, [0.2, 0.2, 1, 1])
        x.grad = nil
        x.elu(alpha: 2).sum().backward()
        let expected: [Float] = [2 * expf(-2), 2 * expf(-0.5), 1, 1]
        for (g, e) in zip(x.grad!.scalars, expected) { XCTAssertEqual(g, e, accuracy: 1e-6) }
    }

    func testSaturatedActivationsHaveFiniteGradients() {
        let x = Tensor([-100, -30, 30, 100]).requiringGrad()
        let grads = gradients(of: (x.softplus() + x.logSigmoid() + x.sigmoid() + x.tanh()).sum(), wrt: [x])[0].scalars
        // softplus' = sigmoid(x), logSigmoid' = sigmoid(-x): they sum to 1; sigmoid' and tanh' vanish.
        for g in grads { XCTAssertEqual(g, 1, accuracy: 1e-6) }
    }
}
