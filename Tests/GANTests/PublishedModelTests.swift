import Autograd
import GAN
import NN
import XCTest

/// The DCGAN 64×64 and SNGAN ResNet models: PyTorch's state_dict names and shapes (of the
/// modules in their builders' documentation), output shapes, and initialization.
final class PublishedModelTests: XCTestCase {
    private func namesAndShapes(_ model: any Module) -> [String] {
        model.stateDictionary().map { "\($0.name) \($0.tensor.shape)" }
    }

    private func batchNorm(_ name: String, _ features: Int) -> [String] {
        ["\(name).weight [\(features)]", "\(name).bias [\(features)]", "\(name).running_mean [\(features)]", "\(name).running_var [\(features)]", "\(name).num_batches_tracked []"]
    }

    private func spectral(_ name: String, _ shape: [Int]) -> [String] {
        ["\(name).bias [\(shape[0])]", "\(name).weight_orig \(shape)", "\(name).weight_u [\(shape[0])]", "\(name).weight_v [\(shape.dropFirst().reduce(1, *))]"]
    }

    func testDCGAN64NamesAndShapesMatchPyTorch() throws {
        XCTAssertEqual(
            namesAndShapes(try ModelBuilders.dcgan64Generator(latentDimension: 3, dim: 2, seed: 1)),
            ["1.weight [3, 16, 4, 4]"] + batchNorm("2", 16) + ["4.weight [16, 8, 4, 4]"] + batchNorm("5", 8) + ["7.weight [8, 4, 4, 4]"]
                + batchNorm("8", 4) + ["10.weight [4, 2, 4, 4]"] + batchNorm("11", 2) + ["13.weight [2, 3, 4, 4]", "13.bias [3]"])
        XCTAssertEqual(
            namesAndShapes(try ModelBuilders.dcgan64Critic(dim: 2, seed: 1)),
            [
                "0.weight [2, 3, 4, 4]", "0.bias [2]", "2.weight [4, 2, 4, 4]", "2.bias [4]", "4.weight [8, 4, 4, 4]", "4.bias [8]",
                "6.weight [16, 8, 4, 4]", "6.bias [16]", "8.weight [1, 16, 4, 4]", "8.bias [1]",
            ])
        XCTAssertEqual(
            namesAndShapes(try ModelBuilders.dcgan64Critic(channels: 1, dim: 2, spectralNorm: true, seed: 1)),
            spectral("0", [2, 1, 4, 4]) + spectral("2", [4, 2, 4, 4]) + spectral("4", [8, 4, 4, 4]) + spectral("6", [16, 8, 4, 4])
                + spectral("8", [1, 16, 4, 4]))
    }

    func testResNetNamesAndShapesMatchPyTorch() throws {
        var generator = ["0.weight [32, 3]", "0.bias [32]"]
        for block in 2...4 {
            generator += batchNorm("\(block).residual.0", 2) + ["\(block).residual.3.weight [2, 2, 3, 3]", "\(block).residual.3.bias [2]"]
            generator += batchNorm("\(block).residual.4", 2) + ["\(block).residual.6.weight [2, 2, 3, 3]", "\(block).residual.6.bias [2]"]
            generator += ["\(block).shortcut.1.weight [2, 2, 1, 1]", "\(block).shortcut.1.bias [2]"]
        }
        generator += batchNorm("5", 2) + ["7.weight [3, 2, 3, 3]", "7.bias [3]"]
        XCTAssertEqual(namesAndShapes(try ModelBuilders.resnetGenerator(latentDimension: 3, width: 2, seed: 1)), generator)

        let critic =
            spectral("0.residual.0", [2, 3, 3, 3]) + spectral("0.residual.2", [2, 2, 3, 3]) + spectral("0.shortcut.1", [2, 3, 1, 1])
            + spectral("1.residual.1", [2, 2, 3, 3]) + spectral("1.residual.3", [2, 2, 3, 3]) + spectral("1.shortcut.0", [2, 2, 1, 1])
            + spectral("2.residual.1", [2, 2, 3, 3]) + spectral("2.residual.3", [2, 2, 3, 3])
            + spectral("3.residual.1", [2, 2, 3, 3]) + spectral("3.residual.3", [2, 2, 3, 3]) + spectral("6", [1, 2])
        XCTAssertEqual(namesAndShapes(try ModelBuilders.resnetCritic(width: 2, spectralNorm: true, seed: 1)), critic)
        XCTAssertEqual(try ModelBuilders.resnetCritic(width: 2, seed: 1).namedParameters.map(\.name).prefix(4), [
            "0.residual.0.weight", "0.residual.0.bias", "0.residual.2.weight", "0.residual.2.bias",
        ])
    }

    func testOutputShapesAndRanges() throws {
        let z = RandomStream(seed: 1, purpose: "z").normal(rows: 2, columns: 8)
        let faces = try ModelBuilders.dcgan64Generator(latentDimension: 8, dim: 2, seed: 1)(z)
        XCTAssertEqual(faces.shape, [2, 3, 64, 64])
        XCTAssertTrue(faces.scalars.allSatisfy { $0 > 0 && $0 < 1 })
        XCTAssertEqual(try ModelBuilders.dcgan64Critic(dim: 2, spectralNorm: true, seed: 1)(faces).shape, [2, 1])
        XCTAssertEqual(try ModelBuilders.dcgan64Critic(dim: 2, seed: 1)(faces.reshaped([2, 3 * 64 * 64])).shape, [2, 1])

        let cifar = try ModelBuilders.resnetGenerator(latentDimension: 8, width: 4, output: .tanh, seed: 1)(z)
        XCTAssertEqual(cifar.shape, [2, 3, 32, 32])
        XCTAssertTrue(cifar.scalars.allSatisfy { $0 > -1 && $0 < 1 })
        let critic = try ModelBuilders.resnetCritic(width: 4, spectralNorm: true, seed: 1)
        XCTAssertEqual(critic(cifar).shape, [2, 1])
        XCTAssertEqual(critic(cifar.reshaped([2, 3072])).shape, [2, 1])
    }

    func testGradientPenaltyDoubleBackwardRunsThroughTheResNetCritic() throws {
        // The WGAN-GP term needs ∂‖∇ₓD(x)‖²/∂θ: gradients of an input gradient.
        let critic = try ModelBuilders.resnetCritic(channels: 1, width: 2, seed: 3)
        let x = RandomStream(seed: 2, purpose: "x").uniform(rows: 2, columns: 1024).reshaped([2, 1, 32, 32]).requiringGrad()
        let inputGradient = gradients(of: critic(x).sum(), wrt: [x], createGraph: true)[0]
        let penalty = inputGradient.square().sum()
        let weightGradients = gradients(of: penalty, wrt: critic.parameters)
        XCTAssertEqual(weightGradients.count, critic.parameters.count)
        XCTAssertGreaterThan(weightGradients[0].scalars.map(Swift.abs).max() ?? 0, 0)
        XCTAssertTrue(weightGradients.allSatisfy { $0.scalars.allSatisfy(\.isFinite) })
    }

    // MARK: - Initialization

    /// Largest |value| of each named parameter.
    private func largest(_ model: any Module) -> [String: Float] {
        Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.tensor.scalars.map(Swift.abs).max() ?? 0) })
    }

    func testPyTorchInitDrawsWeightsAndBiasesWithinOneOverRootFanIn() throws {
        // Linear(64 → 64): fan_in 64, bound 1/8; Conv2d(3 → 32, 4x4): fan_in 48; ConvTranspose2d(16 → 8, 4x4): fan_in 8·16.
        let mlp = largest(try ModelBuilders.mlpGenerator(width: 64, initialization: .pytorch, seed: 3))
        let critic = largest(try ModelBuilders.dcgan64Critic(dim: 32, initialization: .pytorch, seed: 3))
        let generator = largest(try ModelBuilders.dcgan64Generator(latentDimension: 4, dim: 2, initialization: .pytorch, seed: 3))
        let cases: [(String, Float?, Float, Int)] = [
            ("mlp 2.weight", mlp["2.weight"], 1 / 8, 4096), ("mlp 2.bias", mlp["2.bias"], 1 / 8, 64),
            ("mlp 6.bias", mlp["6.bias"], 1 / 8, 2),
            ("critic 0.weight", critic["0.weight"], 1 / Float(48).squareRoot(), 1536), ("critic 0.bias", critic["0.bias"], 1 / Float(48).squareRoot(), 32),
            ("generator 4.weight", generator["4.weight"], 1 / Float(128).squareRoot(), 2048),
        ]
        for (name, value, bound, count) in cases {
            let value = try XCTUnwrap(value, name)
            XCTAssertLessThanOrEqual(value, bound, name)
            // The largest of n uniform draws falls below (1 − 4/n)·bound with probability about e⁻⁴.
            if count >= 64 { XCTAssertGreaterThan(value, (1 - 4 / Float(count)) * bound, name) }
            XCTAssertGreaterThan(value, 0, name)
        }
        // Mean and spread of one large weight: U(±b) has mean 0 and standard deviation b/√3.
        let weights = try ModelBuilders.mlpGenerator(width: 256, initialization: .pytorch, seed: 4).namedParameters[2].tensor.scalars
        let mean = weights.reduce(0, +) / Float(weights.count)
        let std = (weights.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(weights.count)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 0.002)
        XCTAssertEqual(std, 1 / 16 / Float(3).squareRoot(), accuracy: 0.0005)
    }

    func testHeInitIsHeUniformWithAGlorotLastLayerAndZeroBiasesInEveryModel() throws {
        let critic = try ModelBuilders.resnetCritic(width: 32, initialization: .he, seed: 5)
        let values = largest(critic)
        // 3x3 conv 32 → 32: fan_in 288, He bound √(6/288); last Linear 32 → 1: Glorot √(6/33).
        XCTAssertLessThanOrEqual(values["1.residual.1.weight"] ?? 0, (6 / Float(288)).squareRoot())
        XCTAssertGreaterThan(values["1.residual.1.weight"] ?? 0, 0.99 * (6 / Float(288)).squareRoot())
        XCTAssertLessThanOrEqual(values["6.weight"] ?? 1, (6 / Float(33)).squareRoot())
        XCTAssertGreaterThan(values["6.weight"] ?? 0, 0.5 * (6 / Float(33)).squareRoot())
        for (name, value) in values where name.hasSuffix("bias") { XCTAssertEqual(value, 0, name) }
        let generator = largest(try ModelBuilders.dcgan64Generator(latentDimension: 4, dim: 4, initialization: .he, seed: 5))
        // ConvTranspose2d(4 → 3) weight [4, 3, 4, 4]: fan_in 48, fan_out 64 (PyTorch's fans for this layout).
        XCTAssertLessThanOrEqual(generator["13.weight"] ?? 1, (6 / Float(112)).squareRoot())
        XCTAssertEqual(generator["13.bias"], 0)
        XCTAssertEqual(generator["2.weight"], 1, "batch norm starts at 1 whatever the scheme")
    }

    func testSameSeedBuildsIdenticalModelsAndBlocksDrawTheirOwnValues() throws {
        let a = try ModelBuilders.resnetGenerator(latentDimension: 4, width: 4, seed: 7).stateDictionary()
        let b = try ModelBuilders.resnetGenerator(latentDimension: 4, width: 4, seed: 7).stateDictionary()
        for (x, y) in zip(a, b) { XCTAssertEqual(x.tensor.scalars.map(\.bitPattern), y.tensor.scalars.map(\.bitPattern), x.name) }
        let state = Dictionary(uniqueKeysWithValues: a.map { ($0.name, $0.tensor.scalars) })
        XCTAssertNotEqual(state["2.residual.3.weight"], state["3.residual.3.weight"], "each block keyed by its own name")
    }
}
