import Autograd
import GAN
import NN
import XCTest

final class ModelBuilderTests: XCTestCase {
    private func namesAndShapes(_ model: any Module) -> [String] {
        model.stateDictionary().map { "\($0.name) \($0.tensor.shape)" }
    }

    /// Sets element i of the k-th parameter to 0.2·sin(0.37·i + 1.3·k), as the PyTorch
    /// reference script does in named_parameters() order.
    private func fillDeterministically(_ model: any Module) {
        for (k, parameter) in model.parameters.enumerated() {
            parameter.withMutableScalars { values in
                for i in values.indices { values[i] = 0.2 * Float(sin(0.37 * Double(i) + 1.3 * Double(k))) }
            }
        }
    }

    private func latentBatch() -> Tensor {
        Tensor(shape: [2, 3], scalars: (0..<6).map { Float(cos(0.5 * Double($0))) })
    }

    private func imageBatch(_ count: Int) -> Tensor {
        Tensor(shape: [2, count], scalars: (0..<(2 * count)).map { Float(0.5 * sin(0.01 * Double($0)) + 0.5) })
    }

    private func assertClose(_ actual: Float, _ expected: Float, relative: Float, _ label: String, line: UInt = #line) {
        XCTAssertEqual(actual, expected, accuracy: relative * Swift.max(1, Swift.abs(expected)), label, line: line)
    }

    // MARK: - Names and shapes (from the PyTorch equivalents' state_dict(), at small widths)

    func testMLPNamesAndShapesMatchPyTorch() throws {
        XCTAssertEqual(
            namesAndShapes(try ModelBuilders.mlpGenerator(width: 8, seed: 1)),
            [
                "0.weight [8, 2]", "0.bias [8]", "2.weight [8, 8]", "2.bias [8]", "4.weight [8, 8]", "4.bias [8]",
                "6.weight [2, 8]", "6.bias [2]",
            ])
        XCTAssertEqual(
            namesAndShapes(try ModelBuilders.mlpCritic(width: 8, seed: 1)),
            [
                "0.weight [8, 2]", "0.bias [8]", "2.weight [8, 8]", "2.bias [8]", "4.weight [8, 8]", "4.bias [8]",
                "6.weight [1, 8]", "6.bias [1]",
            ])
        XCTAssertEqual(
            namesAndShapes(try ModelBuilders.mlpCritic(width: 8, spectralNorm: true, seed: 1)),
            [
                "0.bias [8]", "0.weight_orig [8, 2]", "0.weight_u [8]", "0.weight_v [2]", "2.bias [8]",
                "2.weight_orig [8, 8]", "2.weight_u [8]", "2.weight_v [8]", "4.bias [8]", "4.weight_orig [8, 8]",
                "4.weight_u [8]", "4.weight_v [8]", "6.bias [1]", "6.weight_orig [1, 8]", "6.weight_u [1]",
                "6.weight_v [8]",
            ])
    }

    func testDCGANGeneratorNamesAndShapesMatchPyTorch() throws {
        XCTAssertEqual(
            namesAndShapes(try ModelBuilders.dcganGenerator(dim: 4, seed: 1)),
            [
                "0.weight [256, 128]", "0.bias [256]", "3.weight [16, 8, 5, 5]", "3.bias [8]", "6.weight [8, 4, 5, 5]",
                "6.bias [4]", "8.weight [4, 1, 5, 5]", "8.bias [1]",
            ])
        XCTAssertEqual(
            namesAndShapes(try ModelBuilders.dcganGenerator(dim: 4, batchNorm: true, seed: 1)),
            [
                "0.weight [256, 128]", "0.bias [256]", "1.weight [256]", "1.bias [256]", "1.running_mean [256]",
                "1.running_var [256]", "1.num_batches_tracked []", "4.weight [16, 8, 5, 5]", "4.bias [8]", "5.weight [8]",
                "5.bias [8]", "5.running_mean [8]", "5.running_var [8]", "5.num_batches_tracked []",
                "8.weight [8, 4, 5, 5]", "8.bias [4]", "9.weight [4]", "9.bias [4]", "9.running_mean [4]",
                "9.running_var [4]", "9.num_batches_tracked []", "11.weight [4, 1, 5, 5]", "11.bias [1]",
            ])
        XCTAssertEqual(
            namesAndShapes(try ModelBuilders.dcganGenerator(dim: 4, channels: 3, imageSize: 32, seed: 1)),
            [
                "0.weight [256, 128]", "0.bias [256]", "3.weight [16, 8, 5, 5]", "3.bias [8]", "5.weight [8, 4, 5, 5]",
                "5.bias [4]", "7.weight [4, 3, 5, 5]", "7.bias [3]",
            ])
    }

    func testDCGANCriticNamesAndShapesMatchPyTorch() throws {
        XCTAssertEqual(
            namesAndShapes(try ModelBuilders.dcganCritic(dim: 4, seed: 1)),
            [
                "0.weight [4, 1, 5, 5]", "0.bias [4]", "2.weight [8, 4, 5, 5]", "2.bias [8]", "4.weight [16, 8, 5, 5]",
                "4.bias [16]", "7.weight [1, 256]", "7.bias [1]",
            ])
        XCTAssertEqual(
            namesAndShapes(try ModelBuilders.dcganCritic(channels: 3, dim: 4, imageSize: 32, spectralNorm: true, seed: 1)),
            [
                "0.bias [4]", "0.weight_orig [4, 3, 5, 5]", "0.weight_u [4]", "0.weight_v [75]", "2.bias [8]",
                "2.weight_orig [8, 4, 5, 5]", "2.weight_u [8]", "2.weight_v [100]", "4.bias [16]",
                "4.weight_orig [16, 8, 5, 5]", "4.weight_u [16]", "4.weight_v [200]", "7.bias [1]",
                "7.weight_orig [1, 256]", "7.weight_u [1]", "7.weight_v [256]",
            ])
    }

    // MARK: - Output shapes at the published sizes

    func testOutputShapesAtPublishedSizes() throws {
        let z2 = RandomStream(seed: 1, purpose: "z").normal(rows: 3, columns: 2)
        XCTAssertEqual(try ModelBuilders.mlpGenerator(seed: 1)(z2).shape, [3, 2])
        XCTAssertEqual(try ModelBuilders.mlpCritic(spectralNorm: true, seed: 1)(z2).shape, [3, 1])

        let z = RandomStream(seed: 1, purpose: "z").normal(rows: 2, columns: 128)
        let mnist = try ModelBuilders.dcganGenerator(seed: 1)(z)
        XCTAssertEqual(mnist.shape, [2, 1, 28, 28])
        XCTAssertTrue(mnist.scalars.allSatisfy { $0 > 0 && $0 < 1 }, "sigmoid output")
        let cifar = try ModelBuilders.dcganGenerator(channels: 3, imageSize: 32, batchNorm: true, output: .tanh, seed: 1)(z)
        XCTAssertEqual(cifar.shape, [2, 3, 32, 32])
        XCTAssertTrue(cifar.scalars.allSatisfy { $0 > -1 && $0 < 1 }, "tanh output")

        XCTAssertEqual(try ModelBuilders.dcganCritic(seed: 1)(mnist).shape, [2, 1])
        let cifarCritic = try ModelBuilders.dcganCritic(channels: 3, imageSize: 32, spectralNorm: true, seed: 1)
        XCTAssertEqual(cifarCritic(cifar).shape, [2, 1])
    }

    func testCriticAcceptsFlatRowsAndImages() throws {
        let critic = try ModelBuilders.dcganCritic(dim: 4, seed: 2)
        let rows = imageBatch(784)
        XCTAssertEqual(critic(rows).scalars, critic(rows.reshaped([2, 1, 28, 28])).scalars)
    }

    // MARK: - Same computation as PyTorch (reference: the equivalent nn.Sequential, same parameters)

    func testDCGANGeneratorComputesAsPyTorch() throws {
        let generator = try ModelBuilders.dcganGenerator(latentDimension: 3, dim: 2, seed: 1)
        fillDeterministically(generator)
        let y = generator(latentBatch())
        XCTAssertEqual(y.shape, [2, 1, 28, 28])
        let values = y.scalars
        assertClose(values.reduce(0, +), 805.06024, relative: 1e-5, "sum")
        assertClose(values.reduce(0) { $0 + $1 * $1 }, 413.57697, relative: 1e-5, "sum of squares")
        let pixels: [Float] = [0.52546543, 0.54383683, 0.51549911, 0.51072484, 0.51251584]
        for (index, expected) in zip([0, 100, 391, 984, 1567], pixels) {
            assertClose(values[index], expected, relative: 1e-5, "pixel \(index)")
        }
    }

    func testBatchNormTanhGeneratorAt32ComputesAsPyTorch() throws {
        let generator = try ModelBuilders.dcganGenerator(
            latentDimension: 3, dim: 2, channels: 3, imageSize: 32, batchNorm: true, output: .tanh, seed: 1)
        fillDeterministically(generator)
        let values = generator(latentBatch()).scalars
        assertClose(values.reduce(0, +), -1188.9591, relative: 1e-5, "sum")
        assertClose(values.reduce(0) { $0 + $1 * $1 }, 280.11768, relative: 1e-5, "sum of squares")
        let pixels: [Float] = [-0.18656981, -0.31170934, -0.21006337, -0.19610462, -0.19248781]
        for (index, expected) in zip([0, 100, 1000, 3071, 6143], pixels) {
            assertClose(values[index], expected, relative: 1e-5, "pixel \(index)")
        }
        let firstNorm = try XCTUnwrap(generator.layers[1] as? BatchNorm)
        XCTAssertEqual(
            Array(firstNorm.runningMean.scalars.prefix(4)), [0.019180967, 0.031580195, 0.028314754, 0.010999295], accuracy: 1e-6)
        XCTAssertEqual(
            Array(firstNorm.runningVariance.scalars.prefix(4)), [0.90376669, 0.92325944, 0.90551418, 0.90747732], accuracy: 1e-5)
    }

    func testDCGANCriticComputesAsPyTorch() throws {
        let mnist = try ModelBuilders.dcganCritic(dim: 2, seed: 1)
        fillDeterministically(mnist)
        XCTAssertEqual(mnist(imageBatch(784)).scalars, [-0.39006242, -0.84386522], accuracy: 1e-5)
        let cifar = try ModelBuilders.dcganCritic(channels: 3, dim: 2, imageSize: 32, seed: 1)
        fillDeterministically(cifar)
        XCTAssertEqual(cifar(imageBatch(3072)).scalars, [-0.44176558, -0.10013705], accuracy: 1e-5)
    }

    func testMLPGeneratorComputesAsPyTorch() throws {
        let generator = try ModelBuilders.mlpGenerator(width: 8, seed: 1)
        fillDeterministically(generator)
        let z = latentBatch().slice(axis: 1, 0..<2)
        XCTAssertEqual(generator(z).scalars, [0.11370789, -0.087553419, 0.11118837, -0.085120983], accuracy: 1e-6)
    }

    // MARK: - Initialization

    func testSameSeedBuildsBitwiseIdenticalModelsAndAnotherSeedDiffers() throws {
        let builders: [(UInt64) throws -> Sequential] = [
            { try ModelBuilders.mlpGenerator(width: 16, seed: $0) },
            { try ModelBuilders.mlpCritic(width: 16, spectralNorm: true, seed: $0) },
            { try ModelBuilders.dcganGenerator(dim: 4, batchNorm: true, seed: $0) },
            { try ModelBuilders.dcganCritic(dim: 4, spectralNorm: true, seed: $0) },
        ]
        for build in builders {
            let a = try build(7).stateDictionary()
            let b = try build(7).stateDictionary()
            let c = try build(8).stateDictionary()
            for (x, y) in zip(a, b) {
                XCTAssertEqual(x.tensor.scalars.map(\.bitPattern), y.tensor.scalars.map(\.bitPattern), x.name)
            }
            // Every randomly drawn tensor (not batch norm's constant start) changes with the seed.
            for (x, y) in zip(a, c) where x.name.hasSuffix("weight_orig") || x.name.hasSuffix("_u") || x.tensor.rank >= 2 {
                XCTAssertNotEqual(x.tensor.scalars, y.tensor.scalars, x.name)
            }
        }
    }

    func testMLPUsesHeUniformHiddenGlorotLastAndZeroBiases() throws {
        let generator = try ModelBuilders.mlpGenerator(width: 64, seed: 3)
        let parameters = Dictionary(uniqueKeysWithValues: generator.namedParameters.map { ($0.name, $0.tensor.scalars) })
        func largest(_ name: String) -> Float { parameters[name]!.map(Swift.abs).max()! }
        XCTAssertLessThanOrEqual(largest("2.weight"), (6 / Float(64)).squareRoot())
        XCTAssertGreaterThan(largest("2.weight"), 0.9 * (6 / Float(64)).squareRoot())
        XCTAssertLessThanOrEqual(largest("6.weight"), (6 / Float(66)).squareRoot())
        XCTAssertGreaterThan(largest("6.weight"), 0.8 * (6 / Float(66)).squareRoot())
        for name in ["0.bias", "2.bias", "4.bias", "6.bias"] { XCTAssertEqual(largest(name), 0, name) }
    }

    // MARK: - Settings users can get wrong

    func testUnsupportedSettingsThrowDescriptiveErrors() {
        XCTAssertThrowsError(try ModelBuilders.dcganGenerator(imageSize: 64, seed: 1)) { error in
            XCTAssertEqual(error as? ModelBuilderError, .unsupportedImageSize(64))
            XCTAssertEqual("\(error)", "model setting 'image size' is 64, expected 28 (MNIST) or 32 (CIFAR-10)")
        }
        XCTAssertThrowsError(try ModelBuilders.dcganCritic(imageSize: 30, seed: 1))
        XCTAssertThrowsError(try ModelBuilders.mlpCritic(width: 0, seed: 1)) { error in
            XCTAssertEqual("\(error)", "model setting 'width' is 0, expected a positive whole number")
        }
    }
}

/// Elementwise equality of float lists within `accuracy`.
private func XCTAssertEqual(
    _ actual: [Float], _ expected: [Float], accuracy: Float, file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.count, expected.count, file: file, line: line)
    for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: accuracy, file: file, line: line) }
}
