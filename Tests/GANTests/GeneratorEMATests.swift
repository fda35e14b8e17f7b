import Autograd
import GAN
import NN
import XCTest

final class GeneratorEMATests: XCTestCase {
    private func makeParameters() -> NamedTensors {
        [(name: "0.weight", tensor: Tensor([1, 2]).requiringGrad()), (name: "0.bias", tensor: Tensor([-4]).requiringGrad())]
    }

    func testStartsAsACopyUnderTheGeneratorsNames() {
        let parameters = makeParameters()
        let ema = GeneratorEMA(parameters: parameters, schedule: .fixed(decay: 0.9))
        XCTAssertEqual(ema.namedAverages.map(\.name), ["0.weight", "0.bias"])
        XCTAssertEqual(ema.namedAverages.map(\.tensor.scalars), [[1, 2], [-4]])
        parameters[0].tensor.withMutableScalars { $0[0] = 100 }
        XCTAssertEqual(ema.namedAverages[0].tensor.scalars, [1, 2], "a copy, not a reference")
    }

    func testFixedDecayBlendsTowardsTheParameters() {
        let ema = GeneratorEMA(parameters: makeParameters(), schedule: .fixed(decay: 0.9))
        ema.update(from: [Tensor([3, 2]), Tensor([6])], step: 0, batchSize: 64)
        // 0.9·1 + 0.1·3 = 1.2; 0.9·2 + 0.1·2 = 2; 0.9·(−4) + 0.1·6 = −3.
        XCTAssertEqual(ema.namedAverages[0].tensor.scalars, [1.2, 2], accuracy: 1e-6)
        XCTAssertEqual(ema.namedAverages[1].tensor.scalars, [-3], accuracy: 1e-6)
        ema.update(from: [Tensor([3, 2]), Tensor([6])], step: 1, batchSize: 64)
        // 0.9·1.2 + 0.3 = 1.38; 0.9·(−3) + 0.6 = −2.1.
        XCTAssertEqual(ema.namedAverages[0].tensor.scalars, [1.38, 2], accuracy: 1e-6)
        XCTAssertEqual(ema.namedAverages[1].tensor.scalars, [-2.1], accuracy: 1e-6)
    }

    func testHalfLifeFormFollowsStyleGAN2() {
        // 10 kimg, batch 64: β = 0.5^(64 / 10000) = 0.99557368.
        let schedule = EMASchedule.halfLife(kimg: 10, rampup: nil)
        XCTAssertEqual(schedule.beta(imagesSeen: 0, batchSize: 64), 0.9955736831881946, accuracy: 1e-12)
        let ema = GeneratorEMA(parameters: makeParameters(), schedule: schedule)
        ema.update(from: [Tensor([3, 2]), Tensor([6])], step: 0, batchSize: 64)
        // 3 + β·(1 − 3) = 1.00885263; 6 + β·(−10) = −3.9557368.
        XCTAssertEqual(ema.namedAverages[0].tensor.scalars, [1.00885263, 2], accuracy: 1e-6)
        XCTAssertEqual(ema.namedAverages[1].tensor.scalars, [-3.9557368], accuracy: 1e-6)
        // Half the gap closes after kimg·1000 / batch updates.
        XCTAssertEqual(pow(schedule.beta(imagesSeen: 0, batchSize: 100), 100), 0.5, accuracy: 1e-12)
    }

    func testRampUpShortensTheHalfLifeEarlyOn() {
        let schedule = EMASchedule.halfLife(kimg: 10, rampup: 0.05)
        // No images seen: half-life 0, β = 0, the average copies the parameters.
        XCTAssertEqual(schedule.beta(imagesSeen: 0, batchSize: 64), 0)
        // 640 images seen: half-life min(10000, 640·0.05 = 32) images, β = 0.5^(64/32) = 0.25.
        XCTAssertEqual(schedule.beta(imagesSeen: 640, batchSize: 64), 0.25, accuracy: 1e-12)
        // Past 200k images the ramp no longer binds.
        XCTAssertEqual(schedule.beta(imagesSeen: 6_400_000, batchSize: 64), 0.9955736831881946, accuracy: 1e-12)

        let ema = GeneratorEMA(parameters: makeParameters(), schedule: schedule)
        ema.update(from: [Tensor([3, 2]), Tensor([6])], step: 0, batchSize: 64)
        XCTAssertEqual(ema.namedAverages.map(\.tensor.scalars), [[3, 2], [6]], "β = 0 copies exactly")
        ema.update(from: [Tensor([7, 2]), Tensor([2])], step: 10, batchSize: 64)
        // β = 0.25: 7 + 0.25·(3 − 7) = 6; 2 + 0.25·(6 − 2) = 3.
        XCTAssertEqual(ema.namedAverages.map(\.tensor.scalars), [[6, 2], [3]])
    }

    func testBuffersAreCopiedAndAverageLoadsIntoTheGenerator() throws {
        let generator = try ModelBuilders.dcganGenerator(latentDimension: 4, dim: 2, batchNorm: true, seed: 1)
        let ema = GeneratorEMA(generator: generator, schedule: .fixed(decay: 0.5))
        XCTAssertEqual(ema.namedAverages.map(\.name), generator.namedParameters.map(\.name) + generator.namedBuffers.map(\.name))
        _ = generator(RandomStream(seed: 1, purpose: "z").normal(rows: 4, columns: 4))
        let before = ema.namedAverages[0].tensor.scalars
        let current = generator.parameters[0].scalars
        generator.parameters[0].withMutableScalars { for i in $0.indices { $0[i] += 1 } }
        ema.update(from: generator, step: 0, batchSize: 4)
        let averaged = ema.namedAverages
        XCTAssertEqual(averaged[0].tensor.scalars, zip(before, current).map { ($0 + $1 + 1) / 2 }, accuracy: 1e-6)
        let runningMean = try XCTUnwrap(averaged.first { $0.name == "1.running_mean" })
        XCTAssertEqual(runningMean.tensor.scalars, try XCTUnwrap(generator.namedBuffers.first?.tensor.scalars), "buffers copied")

        let sampler = try ModelBuilders.dcganGenerator(latentDimension: 4, dim: 2, batchNorm: true, seed: 2)
        try sampler.loadState(Dictionary(uniqueKeysWithValues: averaged.map { ($0.name, $0.tensor) }))
        XCTAssertEqual(sampler.parameters[0].scalars, averaged[0].tensor.scalars)
    }

    func testLoadRestoresAveragesAndRejectsMismatches() throws {
        let ema = GeneratorEMA(parameters: makeParameters(), schedule: .fixed(decay: 0.9))
        try ema.load(["0.weight": Tensor([5, 6]), "0.bias": Tensor([7])])
        XCTAssertEqual(ema.namedAverages.map(\.tensor.scalars), [[5, 6], [7]])
        XCTAssertThrowsError(try ema.load(["0.weight": Tensor([5, 6])])) { error in
            XCTAssertEqual(error as? ModuleError, .missingTensor(name: "0.bias", expectedShape: [1]))
        }
        XCTAssertThrowsError(try ema.load(["0.weight": Tensor([5, 6, 7]), "0.bias": Tensor([7])])) { error in
            XCTAssertEqual(error as? ModuleError, .shapeMismatch(name: "0.weight", expected: [2], found: [3]))
        }
        XCTAssertEqual(ema.namedAverages.map(\.tensor.scalars), [[5, 6], [7]], "a rejected state writes nothing")
    }
}

private func XCTAssertEqual(
    _ actual: [Float], _ expected: [Float], accuracy: Float, file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(actual.count, expected.count, file: file, line: line)
    for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: accuracy, file: file, line: line) }
}
