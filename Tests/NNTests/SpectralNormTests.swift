import Autograd
import NN
import XCTest

final class SpectralNormTests: XCTestCase {
    func testStateNamesAndShapesEqualPyTorch() {
        // torch.nn.utils.spectral_norm(...).state_dict() for the same layers.
        XCTAssertEqual(
            namesAndShapes(SpectralNorm(Linear(inputs: 3, outputs: 4)).stateDictionary()),
            ["bias [4]", "weight_orig [4, 3]", "weight_u [4]", "weight_v [3]"])
        XCTAssertEqual(
            namesAndShapes(SpectralNorm(Conv2d(inChannels: 2, outChannels: 3, kernelSize: 3)).stateDictionary()),
            ["bias [3]", "weight_orig [3, 2, 3, 3]", "weight_u [3]", "weight_v [18]"])
        // Transposed convolutions normalize along dim 1 (the output channels).
        XCTAssertEqual(
            namesAndShapes(SpectralNorm(ConvTranspose2d(inChannels: 2, outChannels: 5, kernelSize: 3)).stateDictionary()),
            ["bias [5]", "weight_orig [2, 5, 3, 3]", "weight_u [5]", "weight_v [18]"])
        let wrapped = SpectralNorm(Linear(inputs: 3, outputs: 4))
        XCTAssertEqual(wrapped.namedParameters.map(\.name), ["bias", "weight_orig"])
        XCTAssertEqual(wrapped.namedBuffers.map(\.name), ["weight_u", "weight_v"])
        XCTAssertFalse(wrapped.u.requiresGrad || wrapped.v.requiresGrad)
    }

    func testStartVectorsAreUnitLength() {
        let wrapped = SpectralNorm(Conv2d(inChannels: 2, outChannels: 3, kernelSize: 3), seed: 9, name: "4")
        XCTAssertEqual(wrapped.u.norm(axis: 0).item, 1, accuracy: 1e-6)
        XCTAssertEqual(wrapped.v.norm(axis: 0).item, 1, accuracy: 1e-6)
    }

    /// W = R·diag(3, 2, 1)·Qᵀ with orthogonal R and Q: the estimate must reach 3.
    func testSigmaConvergesToTheLargestSingularValue() {
        let r: [[Float]] = [[0.6, -0.8, 0], [0.8, 0.6, 0], [0, 0, 1]]
        let q: [[Float]] = [[1, 0, 0], [0, 0.28, -0.96], [0, 0.96, 0.28]]
        let singular: [Float] = [3, 2, 1]
        var w = [Float](repeating: 0, count: 9)
        for i in 0..<3 {
            for j in 0..<3 {
                w[i * 3 + j] = (0..<3).reduce(0) { $0 + r[i][$1] * singular[$1] * q[j][$1] }
            }
        }
        let layer = Linear(inputs: 3, outputs: 3, bias: false)
        layer.weight.assign(Tensor(shape: [3, 3], scalars: w))
        let wrapped = SpectralNorm(layer, seed: 3)
        let x = Tensor(shape: [1, 3], scalars: [1, 0, 0])
        for _ in 0..<40 { _ = wrapped(x) }
        XCTAssertEqual(wrapped.sigma, 3, accuracy: 1e-3)
        // The normalized weight then has spectral norm 1: ‖W/σ · q₁‖ = 1 for the top right singular vector q₁.
        let top = Tensor(shape: [1, 3], scalars: [q[0][0], q[1][0], q[2][0]])
        XCTAssertEqual(wrapped(top).norm(axis: 1).item, 1, accuracy: 1e-3)
    }

    func testLinearForwardAndPowerIterationMatchPyTorch() throws {
        let wrapped = SpectralNorm(Linear(inputs: 3, outputs: 2))
        let s = Float(0.5).squareRoot()
        try wrapped.loadState([
            "weight_orig": Tensor(shape: [2, 3], scalars: [1, -2, 0.5, 0.3, 1, 2]), "bias": Tensor([0.1, -0.1]),
            "weight_u": Tensor([s, s]), "weight_v": Tensor([s, 0, s]),
        ])
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 0.5, -1, 0])
        // Reference: torch.nn.utils.spectral_norm(nn.Linear(3, 2)) with the same state, training mode.
        let expected: [Float] = [-0.60936201, 3.8251367, 1.2822701, -0.50197184]
        assertClose(wrapped(x).scalars, expected, "training output")
        assertClose(wrapped.u.scalars, [0.71964669, 0.69434047], "u after one power iteration")
        assertClose(wrapped.v.scalars, [0.43478507, -0.33445004, 0.83612514], "v after one power iteration")
        wrapped.isTraining = false
        let u = wrapped.u.scalars
        assertClose(wrapped(x).scalars, expected, "evaluation output")
        XCTAssertEqual(wrapped.u.scalars, u, "evaluation runs no power iteration")
    }

    func testTransposedConvolutionNormalizesAlongOutputChannelsAsPyTorch() throws {
        let layer = ConvTranspose2d(inChannels: 2, outChannels: 3, kernelSize: 2)
        let wrapped = SpectralNorm(layer)
        let v = (1...8).map(Float.init)
        let vLength = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let uLength = Float(6).squareRoot()
        try wrapped.loadState([
            "weight_orig": Tensor(
                shape: [2, 3, 2, 2],
                scalars: [
                    0.1, -0.2, 0.3, 0.0, 0.5, -0.1, 0.2, 0.1, -0.3, -0.4, 0.2, 0.1, 0.3, -0.5, 0.2, 0.1, 0.0, 0.6, 0.7, -0.8,
                    0.9, 0.25, -0.35, 0.45,
                ]),
            "bias": Tensor([0, 0.1, -0.1]),
            "weight_u": Tensor([1 / uLength, -1 / uLength, 2 / uLength]), "weight_v": Tensor(v.map { $0 / vLength }),
        ])
        let y = wrapped(Tensor(shape: [1, 2, 2, 2], scalars: [1, -1, 0.5, 2, 0, 1, -2, 1]))
        XCTAssertEqual(y.shape, [1, 3, 3, 3])
        // Reference: torch.nn.utils.spectral_norm(nn.ConvTranspose2d(2, 3, 2)) (dim=1), training mode.
        assertClose(
            y.scalars,
            [
                0.06951239, 0, -0.20853718, -0.17378099, 0.90366113, -0.55609918, -0.17378098, 0.41707432, 0.06951239,
                0.44756195, -0.31707436, 0.58658677, 0.41280577, 0.34329337, -0.2475619, -0.80366105, 2.0115907,
                -0.31707433, -0.30853719, 0.45609906, 0.35183054, -1.3164668, -0.69085538, -0.23902479, 0.45609912,
                -0.65609914, 0.35183051,
            ], "training output")
        assertClose(wrapped.u.scalars, [0.2252831, -0.60212028, 0.76596254], "u")
        assertClose(
            wrapped.v.scalars,
            [-0.29462782, -0.26516503, 0.14731391, 0.029462781, 0.61871845, -0.17677669, -0.35355335, 0.53033006], "v")
    }

    /// Gradients are checked in evaluation mode, where u and v stay fixed between the
    /// finite-difference evaluations (in training each forward moves them).
    func testLinearGradientsMatchFiniteDifferencesToSecondOrder() {
        let model = Sequential([
            SpectralNorm(Linear(inputs: 3, outputs: 4, seed: 5, name: "0"), seed: 5, name: "0"), Tanh(),
            SpectralNorm(Linear(inputs: 4, outputs: 1, seed: 5, name: "2"), seed: 5, name: "2"),
        ])
        let x = normalTensor([3, 3], salt: 40)
        for _ in 0..<3 { _ = model(x) }
        model.isTraining = false
        ModuleGradientCheck().verify(model, input: x)
        // The output bias does not reach the input gradient: its gradient is zero by nature.
        ModuleGradientCheck(zeroGradients: ["2.bias"]).verifySecondOrder(model, input: x)
    }

    func testConvolutionGradientsMatchFiniteDifferencesToSecondOrder() {
        let model = Sequential([
            SpectralNorm(
                Conv2d(inChannels: 2, outChannels: 2, kernelSize: 3, stride: 2, padding: 1, seed: 6, name: "0"), seed: 6,
                name: "0"),
            Tanh(), Flatten(), Linear(inputs: 8, outputs: 1, seed: 6, name: "3"),
        ])
        let x = normalTensor([2, 2, 4, 4], salt: 41)
        _ = model(x)
        model.isTraining = false
        ModuleGradientCheck().verify(model, input: x)
        ModuleGradientCheck(zeroGradients: ["3.bias"]).verifySecondOrder(model, input: x)
    }

    func testGraphKeepsTheVectorsOfItsOwnForwardPass() throws {
        // D(real) − D(fake) runs two forwards before one backward: the first graph must use
        // the u and v of its own pass, not those the second pass wrote in place.
        let wrapped = SpectralNorm(Linear(inputs: 3, outputs: 2, seed: 7), seed: 7)
        let x = normalTensor([2, 3], salt: 42)
        let first = (wrapped(x) * fixedWeights([2, 2], salt: 0)).sum()
        let stateOfFirstPass = Dictionary(uniqueKeysWithValues: wrapped.stateDictionary().map { ($0.name, $0.tensor.copy()) })
        _ = wrapped(x)
        XCTAssertNotEqual(wrapped.u.scalars, stateOfFirstPass["weight_u"]?.scalars, "the second pass moved u")
        let actual = gradients(of: first, wrt: [wrapped.layer.weight])[0]

        let replay = SpectralNorm(Linear(inputs: 3, outputs: 2))
        try replay.loadState(stateOfFirstPass)
        replay.isTraining = false
        let expected = gradients(of: (replay(x) * fixedWeights([2, 2], salt: 0)).sum(), wrt: [replay.layer.weight])[0]
        assertClose(actual.scalars, expected.scalars, accuracy: 1e-6, "weight gradient of the first pass")
    }
}
