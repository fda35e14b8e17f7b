import Autograd
import NN
import XCTest

final class InitializerTests: XCTestCase {
    private func maxMagnitude(_ t: Tensor) -> Float { t.scalars.map(Swift.abs).max() ?? 0 }

    /// Values fill ±bound: all inside, and the largest within 5% of it.
    private func assertFills(_ t: Tensor, bound: Float, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThanOrEqual(maxMagnitude(t), bound, label, file: file, line: line)
        XCTAssertGreaterThan(maxMagnitude(t), 0.95 * bound, label, file: file, line: line)
    }

    func testPyTorchDefaultDrawsWeightsAndBiasesWithinOneOverRootFanIn() {
        let layer = Linear(inputs: 16, outputs: 64, seed: 1)
        assertFills(layer.weight, bound: 0.25, "weight")
        XCTAssertLessThanOrEqual(maxMagnitude(layer.bias!), 0.25, "bias")
        XCTAssertGreaterThan(maxMagnitude(layer.bias!), 0.2, "bias")
        let conv = Conv2d(inChannels: 4, outChannels: 32, kernelSize: 3, seed: 1)
        assertFills(conv.weight, bound: 1 / Float(36).squareRoot(), "conv weight")
    }

    func testTransposedConvolutionUsesPyTorchsFanInOfOutputChannelsTimesKernelArea() {
        // PyTorch computes fan_in from weight.shape[1] = out channels: 2·3·3 = 18, bound 1/√18 ≈ 0.2357
        // (not 1/√36, which in-channels would give).
        let layer = ConvTranspose2d(inChannels: 32, outChannels: 2, kernelSize: 3, seed: 2)
        assertFills(layer.weight, bound: 1 / Float(18).squareRoot(), "transposed conv weight")
        XCTAssertEqual(Fans(weightShape: [32, 2, 3, 3]), Fans(fanIn: 18, fanOut: 288))
    }

    func testHeAndGlorotBoundsAndSpread() {
        let he = Linear(inputs: 24, outputs: 64, initializer: .heUniform, seed: 3)
        assertFills(he.weight, bound: (6 / Float(24)).squareRoot(), "He uniform")
        XCTAssertEqual(he.bias!.scalars, [Float](repeating: 0, count: 64), "biases default to zero outside PyTorch's scheme")
        let glorot = Linear(inputs: 24, outputs: 40, initializer: .glorotUniform, seed: 3)
        assertFills(glorot.weight, bound: (6 / Float(64)).squareRoot(), "Glorot uniform")

        let normal = Linear(inputs: 50, outputs: 400, initializer: .heNormal, seed: 4).weight.scalars
        let mean = normal.reduce(0, +) / Float(normal.count)
        let deviation = (normal.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(normal.count)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 0.01)
        XCTAssertEqual(deviation, (2 / Float(50)).squareRoot(), accuracy: 0.002, "He normal standard deviation √(2/fan_in)")
        XCTAssertEqual(Linear(inputs: 3, outputs: 2, initializer: .zeros).weight.scalars, [0, 0, 0, 0, 0, 0])
    }

    func testValuesAreKeyedBySeedAndParameterName() {
        let a = Linear(inputs: 5, outputs: 4, seed: 7, name: "2")
        let b = Linear(inputs: 5, outputs: 4, seed: 7, name: "2")
        XCTAssertEqual(a.weight.scalars, b.weight.scalars)
        XCTAssertEqual(a.bias!.scalars, b.bias!.scalars)
        XCTAssertNotEqual(a.weight.scalars, Linear(inputs: 5, outputs: 4, seed: 8, name: "2").weight.scalars)
        XCTAssertNotEqual(a.weight.scalars, Linear(inputs: 5, outputs: 4, seed: 7, name: "4").weight.scalars)
        XCTAssertNotEqual(Array(a.weight.scalars.prefix(4)), a.bias!.scalars, "weight and bias draw different numbers")
    }
}
