import Autograd
import NN
import XCTest

final class ModuleStateTests: XCTestCase {
    private func makeModel(seed: UInt64) -> Sequential {
        Sequential([
            Linear(inputs: 3, outputs: 4, seed: seed, name: "0"), BatchNorm(features: 4), ReLU(),
            SpectralNorm(Linear(inputs: 4, outputs: 2, seed: seed, name: "3"), seed: seed, name: "3"),
        ])
    }

    func testNamesFollowPyTorchsSequentialOrder() {
        let model = makeModel(seed: 1)
        // nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), spectral_norm(nn.Linear(4, 2))):
        // named_parameters(), named_buffers() and state_dict().
        XCTAssertEqual(model.namedParameters.map(\.name), ["0.weight", "0.bias", "1.weight", "1.bias", "3.bias", "3.weight_orig"])
        XCTAssertEqual(
            model.namedBuffers.map(\.name),
            ["1.running_mean", "1.running_var", "1.num_batches_tracked", "3.weight_u", "3.weight_v"])
        XCTAssertEqual(
            namesAndShapes(model.stateDictionary()),
            [
                "0.weight [4, 3]", "0.bias [4]", "1.weight [4]", "1.bias [4]", "1.running_mean [4]", "1.running_var [4]",
                "1.num_batches_tracked []", "3.bias [2]", "3.weight_orig [2, 4]", "3.weight_u [2]", "3.weight_v [4]",
            ])
        XCTAssertEqual(model.parameterCount, 12 + 4 + 4 + 4 + 2 + 8)
    }

    func testLoadStateCopiesEveryTensorInPlace() throws {
        let source = makeModel(seed: 1)
        _ = source(normalTensor([5, 3], salt: 1))
        let target = makeModel(seed: 2)
        let firstWeight = target.parameters[0]
        try target.loadState(Dictionary(uniqueKeysWithValues: source.stateDictionary().map { ($0.name, $0.tensor) }))
        for (loaded, original) in zip(target.stateDictionary(), source.stateDictionary()) {
            XCTAssertEqual(loaded.tensor.scalars, original.tensor.scalars, loaded.name)
        }
        XCTAssertTrue(target.parameters[0] === firstWeight, "parameters keep their identity (optimizers hold them)")
        XCTAssertEqual(target.namedBuffers[2].tensor.item, 1, "num_batches_tracked loaded")
    }

    func testLoadStateRejectsMissingExtraAndMisshapenTensorsWithoutWriting() {
        let model = makeModel(seed: 1)
        let before = model.stateDictionary().map(\.tensor.scalars)
        var state = Dictionary(uniqueKeysWithValues: makeModel(seed: 2).stateDictionary().map { ($0.name, $0.tensor) })

        state["1.running_var"] = nil
        XCTAssertThrowsError(try model.loadState(state)) { error in
            XCTAssertEqual(error as? ModuleError, .missingTensor(name: "1.running_var", expectedShape: [4]))
            XCTAssertEqual("\(error)", "model state lacks tensor '1.running_var' (expected shape [4])")
        }
        state["1.running_var"] = Tensor.ones([4])
        state["0.weight"] = Tensor.zeros([3, 4])
        XCTAssertThrowsError(try model.loadState(state)) { error in
            XCTAssertEqual(error as? ModuleError, .shapeMismatch(name: "0.weight", expected: [4, 3], found: [3, 4]))
            XCTAssertEqual("\(error)", "model state tensor '0.weight' has shape [3, 4], expected [4, 3]")
        }
        state["0.weight"] = Tensor.zeros([4, 3])
        state["3.weight"] = Tensor.zeros([2, 4])
        XCTAssertThrowsError(try model.loadState(state)) { error in
            XCTAssertEqual(error as? ModuleError, .unexpectedTensor(name: "3.weight"))
            XCTAssertEqual("\(error)", "model state has tensor '3.weight', which this model does not have")
        }
        XCTAssertEqual(model.stateDictionary().map(\.tensor.scalars), before, "a rejected state writes nothing")
    }

    func testTrainingModeReachesEveryLayer() {
        let model = makeModel(seed: 1)
        model.isTraining = false
        for layer in model.layers { XCTAssertFalse(layer.isTraining) }
        let spectral = model.layers[3] as? SpectralNorm
        XCTAssertEqual(spectral?.layer.isTraining, false)
        model.isTraining = true
        XCTAssertEqual(spectral?.layer.isTraining, true)
    }

    func testZeroGradientsClearsAccumulatedGradients() {
        let model = makeModel(seed: 1)
        (model(normalTensor([5, 3], salt: 2)) * fixedWeights([5, 2], salt: 0)).sum().backward()
        XCTAssertTrue(model.parameters.allSatisfy { $0.grad != nil })
        model.zeroGradients()
        XCTAssertTrue(model.parameters.allSatisfy { $0.grad == nil })
    }

    func testSequentialWithInputShapeAcceptsFlatRowsAndImages() {
        let model = Sequential([Conv2d(inChannels: 1, outChannels: 2, kernelSize: 3, seed: 1), Flatten()], inputShape: [1, 4, 4])
        let images = normalTensor([2, 1, 4, 4], salt: 3)
        XCTAssertEqual(model(images).scalars, model(images.reshaped([2, 16])).scalars)
        XCTAssertEqual(model(images).shape, [2, 8])
    }
}
