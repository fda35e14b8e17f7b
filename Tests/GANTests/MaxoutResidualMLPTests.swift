import Autograd
import GAN
import NN
import XCTest

/// The input-convex maxout network of the Choquet-Toland critics: PyTorch's names and order,
/// maxout's values, convexity once `main` and `main_output` are non-negative, and gradients
/// against finite differences to second order (a gradient penalty would differentiate twice).
final class MaxoutResidualMLPTests: XCTestCase {
    private func network(layers: Int = 3) throws -> MaxoutResidualMLP {
        try MaxoutResidualMLP(inputs: 2, width: 6, layers: layers, maxout: 2, outputs: 1, seed: 7)
    }

    func testStateNamesAndShapesArePyTorchs() throws {
        let model = try network()
        XCTAssertEqual(model.stateDictionary().names, [
            "residual.weight", "residual.bias", "input_to_hidden.0.weight", "input_to_hidden.0.bias", "main.0.0.weight", "main.0.0.bias",
            "main.1.0.weight", "main.1.0.bias", "main_output.weight", "main_output.bias",
        ])
        XCTAssertEqual(model.namedParameters.map(\.tensor.shape), [[3, 2], [3], [6, 2], [6], [6, 3], [6], [6, 3], [6], [1, 3], [1]])
        XCTAssertEqual(model.convexParameterNames, ["main.0.0.weight", "main.1.0.weight", "main_output.weight"])
        XCTAssertThrowsError(try MaxoutResidualMLP(inputs: 2, width: 5, layers: 2, maxout: 2, outputs: 1, seed: 0))
    }

    func testMaxoutTakesTheLargestOfEachGroupOfConsecutiveUnits() {
        let x = Tensor(shape: [2, 6], scalars: [1, 5, -2, -3, 0, 0.5, 9, 8, 7, 7.5, -1, -4])
        XCTAssertEqual(maxoutUnits(x, groupSize: 2).scalars, [5, -2, 0.5, 9, 7.5, -1])
        XCTAssertEqual(maxoutUnits(x, groupSize: 3).scalars, [5, 0.5, 9, 7.5])
    }

    func testTheForwardPassIsTheReferencesComposition() throws {
        let model = try network()
        let x = Tensor(shape: [4, 2], scalars: testValues(8, seed: 3))
        var hidden = maxoutUnits(model.inputToHidden(x), groupSize: 2)
        for layer in model.main { hidden = maxoutUnits(layer(hidden), groupSize: 2) + model.residual(x) }
        XCTAssertEqual(model(x).scalars, model.mainOutput(hidden).scalars)
    }

    func testProjectedWeightsMakeTheOutputConvexInTheInput() throws {
        let model = try MaxoutResidualMLP(inputs: 2, width: 16, layers: 4, maxout: 2, outputs: 1, seed: 11)
        let points = testValues(400, seed: 5, scale: 3)
        func worstGap() -> Float {
            var worst: Float = -.infinity
            for k in 0..<100 {
                let a = Tensor(shape: [1, 2], scalars: [points[4 * k], points[4 * k + 1]])
                let b = Tensor(shape: [1, 2], scalars: [points[4 * k + 2], points[4 * k + 3]])
                let middle = model((a + b) * 0.5).item
                worst = max(worst, middle - (model(a).item + model(b).item) / 2)
            }
            return worst
        }
        // Unprojected, the random network is not convex; projected, midpoints never lie above the chord.
        XCTAssertGreaterThan(worstGap(), 1e-3)
        for (name, tensor) in model.namedParameters where model.convexParameterNames.contains(name) {
            tensor.withMutableScalars { values in for i in values.indices where values[i] < 0 { values[i] = 0 } }
        }
        XCTAssertLessThanOrEqual(worstGap(), 1e-5)
    }

    func testGradientsMatchFiniteDifferencesToSecondOrder() throws {
        let model = try network()
        let x = Tensor(shape: [3, 2], scalars: testValues(6, seed: 9)).requiringGrad()
        let weights = Tensor(shape: [3, 1], scalars: [0.7, -1.3, 0.4])
        let leaves = model.parameters + [x]
        FiniteDifferences().verify(leaves, "first order") { (model(x) * weights).sum() }
        // A piecewise-linear network's input gradient does not depend on its biases: second order, the weights.
        let weightsOnly = model.namedParameters.filter { $0.name.hasSuffix("weight") }.map(\.tensor)
        FiniteDifferences().verify(weightsOnly, "second order") {
            let inner = gradients(of: (model(x) * weights).sum(), wrt: [x], createGraph: true)[0]
            return (inner.square() * Tensor(shape: [3, 2], scalars: [1, 0.5, -0.25, 2, 0.75, 1.5])).sum()
        }
    }
}
