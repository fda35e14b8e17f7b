import Autograd
import NN
import XCTest

final class ConvolutionLayerTests: XCTestCase {
    /// 18 kernel values shared by the forward tests (two 3×3 kernels).
    private let kernels: [Float] = [
        0.1, -0.2, 0.3, 0.0, 0.5, -0.1, 0.2, 0.1, -0.3, -0.4, 0.2, 0.1, 0.3, -0.5, 0.2, 0.1, 0.0, 0.6,
    ]

    func testConv2dForwardMatchesPyTorch() {
        let layer = Conv2d(inChannels: 1, outChannels: 2, kernelSize: 3, stride: 2, padding: 1)
        layer.weight.assign(Tensor(shape: [2, 1, 3, 3], scalars: kernels))
        layer.bias?.assign(Tensor([0.05, -0.1]))
        let input = Tensor(shape: [1, 1, 4, 4], scalars: (1...16).map { Float($0) / 4 })
        let y = layer(input)
        XCTAssertEqual(y.shape, [1, 2, 2, 2])
        // torch.nn.Conv2d(1, 2, 3, stride=2, padding=1) with the same weight, bias and input.
        assertClose(y.scalars, [-0.2, 0.2, 0.4, 1.4, 0.775, 1.225, 1.775, 2.575], "Conv2d forward")
    }

    func testConvTranspose2dForwardMatchesPyTorch() {
        let layer = ConvTranspose2d(inChannels: 2, outChannels: 1, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1)
        XCTAssertEqual(layer.weight.shape, [2, 1, 3, 3], "PyTorch's [in, out, k, k] layout")
        layer.weight.assign(Tensor(shape: [2, 1, 3, 3], scalars: kernels))
        layer.bias?.assign(Tensor([0.05]))
        let y = layer(Tensor(shape: [1, 2, 2, 2], scalars: [1, 2, -1, 0.5, 0.25, -2, 1.5, 1]))
        XCTAssertEqual(y.shape, [1, 1, 4, 4])
        // torch.nn.ConvTranspose2d(2, 1, 3, stride=2, padding=1, output_padding=1).
        assertClose(
            y.scalars,
            [0.425, -0.6, 2.05, -0.55, 0.65, -0.4, 0.35, -1.5, -1.2, 0.75, -0.2, 0.2, -0.05, 1.45, 0.1, 0.5],
            "ConvTranspose2d forward")
    }

    func testParametersAreNamedAndShapedAsPyTorch() {
        XCTAssertEqual(
            namesAndShapes(Conv2d(inChannels: 2, outChannels: 3, kernelSize: 5).namedParameters),
            ["weight [3, 2, 5, 5]", "bias [3]"])
        XCTAssertEqual(
            namesAndShapes(ConvTranspose2d(inChannels: 2, outChannels: 3, kernelSize: 5).namedParameters),
            ["weight [2, 3, 5, 5]", "bias [3]"])
    }

    func testConv2dGradientsMatchFiniteDifferences() {
        let layer = Conv2d(inChannels: 2, outChannels: 3, kernelSize: 3, stride: 2, padding: 1, seed: 4)
        ModuleGradientCheck().verify(layer, input: normalTensor([2, 2, 5, 5], salt: 4))
    }

    func testConvTranspose2dGradientsMatchFiniteDifferences() {
        let layer = ConvTranspose2d(
            inChannels: 2, outChannels: 3, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, seed: 5)
        ModuleGradientCheck().verify(layer, input: normalTensor([2, 2, 3, 3], salt: 5))
    }

    func testConv2dSecondOrderGradientsMatchFiniteDifferences() {
        let model = Sequential([
            Conv2d(inChannels: 2, outChannels: 3, kernelSize: 3, stride: 2, padding: 1, seed: 6, name: "0"), Tanh(),
            Flatten(), Linear(inputs: 27, outputs: 1, seed: 6, name: "3"),
        ])
        // Weights three times PyTorch's default scale, so the squared input gradient is large
        // enough for every gradient of it to stand out of the finite-difference noise.
        for (name, weight) in model.namedParameters where name.hasSuffix("weight") {
            weight.withMutableScalars { values in for i in values.indices { values[i] *= 3 } }
        }
        // The output bias does not reach the input gradient: its gradient is zero by nature.
        ModuleGradientCheck(zeroGradients: ["3.bias"]).verifySecondOrder(model, input: normalTensor([2, 2, 5, 5], salt: 6))
    }
}
