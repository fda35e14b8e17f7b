import Autograd
import NN
import XCTest

final class ResidualTests: XCTestCase {
    /// A downsampling block with a learned shortcut, then one with the identity shortcut,
    /// pooled and scored: the shape of a ResNet critic (Tanh for ReLU, so that second
    /// derivatives are not zero almost everywhere).
    private func criticLike() -> Sequential {
        Sequential([
            Residual(
                residual: Sequential([
                    Conv2d(inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, seed: 1, name: "0.residual.0"), Tanh(),
                    Conv2d(inChannels: 3, outChannels: 3, kernelSize: 3, padding: 1, seed: 1, name: "0.residual.2"),
                    AvgPool2d(kernelSize: 2),
                ]),
                shortcut: Sequential([AvgPool2d(kernelSize: 2), Conv2d(inChannels: 2, outChannels: 3, kernelSize: 1, seed: 1, name: "0.shortcut.1")])),
            Residual(residual: Sequential([Tanh(), Conv2d(inChannels: 3, outChannels: 3, kernelSize: 3, padding: 1, seed: 1, name: "1.residual.1")])),
            Tanh(), GlobalSumPool2d(), Linear(inputs: 3, outputs: 1, seed: 1, name: "4"),
        ])
    }

    func testForwardIsTheResidualBranchPlusTheShortcut() {
        let branch = Sequential([Conv2d(inChannels: 1, outChannels: 1, kernelSize: 1, bias: false)])
        branch.parameters[0].assign(Tensor(shape: [1, 1, 1, 1], scalars: [3]))
        let x = Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        XCTAssertEqual(Residual(residual: branch)(x).scalars, [4, 8, 12, 16], "identity shortcut: 3x + x")
        let scaled = Sequential([Conv2d(inChannels: 1, outChannels: 1, kernelSize: 1, bias: false)])
        scaled.parameters[0].assign(Tensor(shape: [1, 1, 1, 1], scalars: [-1]))
        XCTAssertEqual(Residual(residual: branch, shortcut: scaled)(x).scalars, [2, 4, 6, 8], "learned shortcut: 3x − x")
    }

    func testPoolingAndUpsamplingLayersComputeAsPyTorch() {
        let x = Tensor(shape: [1, 2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(AvgPool2d(kernelSize: 2)(x).scalars, [2.5, 6.5])
        XCTAssertEqual(GlobalSumPool2d()(x).shape, [1, 2])
        XCTAssertEqual(GlobalSumPool2d()(x).scalars, [10, 26])
        let up = Upsample(factor: 2)(Tensor(shape: [1, 1, 1, 2], scalars: [1, 2]))
        XCTAssertEqual(up.shape, [1, 1, 2, 4])
        XCTAssertEqual(up.scalars, [1, 1, 2, 2, 1, 1, 2, 2])
    }

    func testStateIsNamedAsThePyTorchModuleAndModeReachesEveryChild() {
        let model = Sequential([
            Residual(
                residual: Sequential([BatchNorm(features: 2, spatial: true), ReLU(), Conv2d(inChannels: 2, outChannels: 2, kernelSize: 3)]),
                shortcut: Sequential([Upsample(), Conv2d(inChannels: 2, outChannels: 2, kernelSize: 1)])),
            Residual(residual: Sequential([ReLU(), Linear(inputs: 2, outputs: 2)])),
        ])
        XCTAssertEqual(
            namesAndShapes(model.stateDictionary()),
            [
                "0.residual.0.weight [2]", "0.residual.0.bias [2]", "0.residual.0.running_mean [2]", "0.residual.0.running_var [2]",
                "0.residual.0.num_batches_tracked []", "0.residual.2.weight [2, 2, 3, 3]", "0.residual.2.bias [2]",
                "0.shortcut.1.weight [2, 2, 1, 1]", "0.shortcut.1.bias [2]", "1.residual.1.weight [2, 2]", "1.residual.1.bias [2]",
            ])
        XCTAssertEqual(model.namedParameters.count, 8)
        XCTAssertEqual(model.namedBuffers.map(\.name), ["0.residual.0.running_mean", "0.residual.0.running_var", "0.residual.0.num_batches_tracked"])
        XCTAssertEqual(model.descendants.count, 13)
        let norms = model.descendants.compactMap { $0 as? BatchNorm }
        XCTAssertEqual(norms.count, 1, "batch norm inside a block is found (for synchronized statistics)")
        model.isTraining = false
        XCTAssertTrue(model.descendants.allSatisfy { !$0.isTraining })
    }

    func testCriticBlocksHaveFirstAndSecondOrderGradientsOfFiniteDifferences() {
        let model = criticLike()
        let x = normalTensor([2, 2, 4, 4], salt: 50)
        XCTAssertEqual(model(x).shape, [2, 1])
        ModuleGradientCheck().verify(model, input: x)
        // The last bias shifts the output only, so the input gradient does not see it; the
        // smallest second-order gradients here (about 0.013) need the finer tolerance.
        ModuleGradientCheck(tolerance: 1e-3, zeroGradients: ["4.bias"]).verifySecondOrder(model, input: x)
    }

    func testGeneratorBlocksHaveGradientsOfFiniteDifferences() {
        let model = Sequential([
            Residual(
                residual: Sequential([Tanh(), Upsample(), Conv2d(inChannels: 2, outChannels: 2, kernelSize: 3, padding: 1, seed: 2, name: "0.residual.2")]),
                shortcut: Sequential([Upsample(), Conv2d(inChannels: 2, outChannels: 2, kernelSize: 1, seed: 2, name: "0.shortcut.1")])),
            Tanh(), Flatten(), Linear(inputs: 32, outputs: 1, seed: 2, name: "3"),
        ])
        let x = normalTensor([2, 2, 2, 2], salt: 51)
        ModuleGradientCheck().verify(model, input: x)
        ModuleGradientCheck(zeroGradients: ["3.bias"]).verifySecondOrder(model, input: x)
    }
}
