import Autograd
import NN
import XCTest

final class ActivationAndShapeLayerTests: XCTestCase {
    private let input = Tensor([-2, -0.5, 0, 1.5])

    func testActivationsMatchHandComputedValues() {
        assertClose(ReLU()(input).scalars, [0, 0, 0, 1.5], "ReLU")
        assertClose(LeakyReLU(slope: 0.2)(input).scalars, [-0.4, -0.1, 0, 1.5], "LeakyReLU(0.2)")
        assertClose(LeakyReLU()(input).scalars, [-0.02, -0.005, 0, 1.5], "LeakyReLU default slope 0.01")
        assertClose(Tanh()(input).scalars, [-0.96402758, -0.46211716, 0, 0.90514825], "Tanh")
        assertClose(Sigmoid()(input).scalars, [0.11920292, 0.37754067, 0.5, 0.81757448], "Sigmoid")
        // alpha·(e^x − 1): 2·(e^−2 − 1) = −1.72932943, 2·(e^−0.5 − 1) = −0.78693868.
        assertClose(ELU(alpha: 2)(input).scalars, [-1.72932943, -0.78693868, 0, 1.5], "ELU(2)")
    }

    func testActivationsHaveNoStateButTakeAnIndexInSequential() {
        let model = Sequential([ReLU(), Linear(inputs: 2, outputs: 2), ELU(), Sigmoid(), Linear(inputs: 2, outputs: 1)])
        XCTAssertEqual(model.namedParameters.map(\.name), ["1.weight", "1.bias", "4.weight", "4.bias"])
        XCTAssertTrue(ReLU().namedParameters.isEmpty && ReLU().namedBuffers.isEmpty)
    }

    func testActivationGradientsMatchFiniteDifferences() {
        let x = Tensor(shape: [2, 3], scalars: [-1.3, -0.4, 0.3, 0.8, 1.7, -2.1])
        for module: any Module in [ReLU(), LeakyReLU(slope: 0.2), Tanh(), Sigmoid(), ELU(alpha: 1.5)] {
            ModuleGradientCheck().verify(module, input: x)
        }
    }

    func testFlattenAndUnflattenAreInverse() {
        let images = Tensor(shape: [2, 2, 2, 3], scalars: (0..<24).map(Float.init))
        let flat = Flatten()(images)
        XCTAssertEqual(flat.shape, [2, 12])
        XCTAssertEqual(flat.scalars, images.scalars)
        let back = Unflatten(shape: [2, 2, 3])(flat)
        XCTAssertEqual(back.shape, [2, 2, 2, 3])
        XCTAssertEqual(back.scalars, images.scalars)
    }

    func testCropKeepsTheTopLeftPixels() {
        let image = Tensor(shape: [1, 2, 3, 3], scalars: (0..<18).map(Float.init))
        let cropped = Crop2d(height: 2, width: 2)(image)
        XCTAssertEqual(cropped.shape, [1, 2, 2, 2])
        XCTAssertEqual(cropped.scalars, [0, 1, 3, 4, 9, 10, 12, 13])
    }

    func testCropGradientReachesOnlyKeptPixels() {
        let image = Tensor(shape: [1, 1, 3, 3], scalars: (0..<9).map(Float.init)).requiringGrad()
        let gradient = gradients(of: Crop2d(height: 2, width: 2)(image).sum(), wrt: [image])[0]
        XCTAssertEqual(gradient.scalars, [1, 1, 0, 1, 1, 0, 0, 0, 0])
    }
}
