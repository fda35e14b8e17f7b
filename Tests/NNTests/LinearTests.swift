import Autograd
import NN
import XCTest

final class LinearTests: XCTestCase {
    func testForwardMatchesHandComputedValues() {
        let layer = Linear(inputs: 3, outputs: 2)
        layer.weight.assign(Tensor(shape: [2, 3], scalars: [0.1, -0.2, 0.3, 0.4, 0.5, -0.6]))
        layer.bias?.assign(Tensor([0.01, -0.02]))
        let y = layer(Tensor(shape: [2, 3], scalars: [1, 2, 3, -1, 0.5, 2]))
        // Row 1: 0.1 − 0.4 + 0.9 + 0.01, 0.4 + 1.0 − 1.8 − 0.02;
        // row 2: −0.1 − 0.1 + 0.6 + 0.01, −0.4 + 0.25 − 1.2 − 0.02.
        XCTAssertEqual(y.shape, [2, 2])
        assertClose(y.scalars, [0.61, -0.42, 0.41, -1.37], accuracy: 1e-6, "Linear forward")
    }

    func testParametersAreNamedAndShapedAsPyTorch() {
        XCTAssertEqual(namesAndShapes(Linear(inputs: 3, outputs: 4).namedParameters), ["weight [4, 3]", "bias [4]"])
        XCTAssertEqual(namesAndShapes(Linear(inputs: 3, outputs: 4, bias: false).namedParameters), ["weight [4, 3]"])
        XCTAssertTrue(Linear(inputs: 3, outputs: 4).parameters.allSatisfy(\.requiresGrad))
    }

    func testGradientsMatchFiniteDifferences() {
        let layer = Linear(inputs: 3, outputs: 4, seed: 1)
        ModuleGradientCheck().verify(layer, input: normalTensor([2, 3], salt: 1))
    }

    func testSecondOrderGradientsThroughTanhMatchFiniteDifferences() {
        let model = Sequential([
            Linear(inputs: 3, outputs: 4, seed: 2, name: "0"), Tanh(), Linear(inputs: 4, outputs: 1, seed: 2, name: "2"),
        ])
        // The output bias does not reach the input gradient: its gradient is zero by nature.
        ModuleGradientCheck(zeroGradients: ["2.bias"]).verifySecondOrder(model, input: normalTensor([3, 3], salt: 2))
    }

    func testSecondOrderGradientsThroughLeakyReLUMatchFiniteDifferences() {
        let first = Linear(inputs: 3, outputs: 5, seed: 4, name: "0")
        let model = Sequential([first, LeakyReLU(slope: 0.2), Linear(inputs: 5, outputs: 1, seed: 4, name: "2")])
        let input = normalTensor([3, 3], salt: 4)
        // Finite differences are only meaningful away from the kink: every pre-activation must
        // stay clear of 0 under the ±0.01 perturbations.
        let margin = first(input).scalars.map(Swift.abs).min() ?? 0
        XCTAssertGreaterThan(margin, 0.1, "test input too close to the LeakyReLU kink")
        ModuleGradientCheck().verify(model, input: input)
        // Piecewise linear: the input gradient is a product of weights and fixed slopes, so
        // biases and the input itself do not move it (away from the kinks).
        ModuleGradientCheck(zeroGradients: ["0.bias", "2.bias", "input"]).verifySecondOrder(model, input: input)
    }
}
