import Autograd
import GAN
import NN
import XCTest

final class EvaluationClassifierTests: XCTestCase {
    func testCrossEntropyMatchesPyTorchValueAndGradient() {
        // Reference: torch.nn.functional.cross_entropy on these logits and labels.
        let logits = Tensor(shape: [2, 3], scalars: [1, 2, 0.5, -1, 0, 3]).requiringGrad()
        let loss = softmaxCrossEntropy(logits: logits, labels: [1, 0])
        XCTAssertEqual(loss.item, 2.2651264667510986, accuracy: 1e-6)
        let gradient = gradients(of: loss, wrt: [logits])[0].scalars
        for (g, e) in zip(gradient, [0.1156, -0.1857, 0.0701, -0.4914, 0.0233, 0.4681] as [Float]) {
            XCTAssertEqual(g, e, accuracy: 1e-4)
        }
    }

    func testCrossEntropyGradientMatchesFiniteDifferences() {
        let values = RandomStream(seed: 13, purpose: "test.ce").normal(rows: 4, columns: 5).scalars.map { 2 * $0 }
        let labels = [0, 4, 2, 2]
        let logits = Tensor(shape: [4, 5], scalars: values).requiringGrad()
        let analytic = gradients(of: softmaxCrossEntropy(logits: logits, labels: labels), wrt: [logits])[0].scalars
        let h: Float = 1e-2
        for i in 0..<values.count {
            var plus = values, minus = values
            plus[i] += h
            minus[i] -= h
            let up = softmaxCrossEntropy(logits: Tensor(shape: [4, 5], scalars: plus), labels: labels).item
            let down = softmaxCrossEntropy(logits: Tensor(shape: [4, 5], scalars: minus), labels: labels).item
            XCTAssertEqual(analytic[i], (up - down) / (2 * h), accuracy: 2e-3, "logit \(i)")
        }
    }

    func testCrossEntropyStaysFiniteForHugeLogits() {
        let loss = softmaxCrossEntropy(logits: Tensor(shape: [2, 2], scalars: [1000, 0, 0, 1000]), labels: [0, 0])
        XCTAssertEqual(loss.item, 500, accuracy: 1e-3)  // (0 + 1000) / 2
    }

    func testStateIsNamedAsPyTorchSequential() throws {
        let classifier = try FeatureClassifier(channels: 1, imageSize: 28, classes: 10, seed: 0)
        let state = classifier.stateDictionary()
        XCTAssertEqual(state.map(\.name), ["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias"])
        XCTAssertEqual(state.map(\.tensor.shape), [[32, 1, 3, 3], [32], [64, 32, 3, 3], [64], [128, 3136], [128], [10, 128], [10]])
        let copy = try FeatureClassifier(channels: 1, imageSize: 28, classes: 10, seed: 1)
        try copy.loadState(Dictionary(uniqueKeysWithValues: state.map { ($0.name, $0.tensor) }))
        XCTAssertEqual(copy.stateDictionary().map(\.tensor.scalars), state.map(\.tensor.scalars))
    }

    func testFeaturesAreNonNegative128VectorsForFlatOrImageInput() throws {
        let classifier = try FeatureClassifier(channels: 1, imageSize: 8, classes: 2, seed: 3)
        let images = RandomStream(seed: 1, purpose: "test.images").uniform(rows: 5, columns: 64)
        let fromFlat = classifier.features(images, batchSize: 2)
        let fromImages = withoutGradients { classifier.features(images.reshaped([5, 1, 8, 8])) }
        XCTAssertEqual(fromFlat.shape, [5, FeatureClassifier.featureDimension])
        // Batches of 2 and one batch of 5 reach BLAS with different sizes: equal up to rounding.
        for (a, b) in zip(fromFlat.scalars, fromImages.scalars) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertTrue(fromFlat.scalars.allSatisfy { $0 >= 0 })
        XCTAssertEqual(classifier.logits(images).shape, [5, 2])
    }

    /// 8×8 images, bright on the left half (class 0) or the right half (class 1), plus noise.
    private func halves(count: Int, seed: UInt64) -> (images: Tensor, labels: [Int]) {
        let noise = RandomStream(seed: seed, purpose: "test.halves").uniform(rows: count, columns: 64).scalars
        var pixels = [Float](repeating: 0, count: count * 64)
        let labels = (0..<count).map { $0 % 2 }
        for n in 0..<count {
            for y in 0..<8 {
                for x in 0..<8 {
                    let bright = (x < 4) == (labels[n] == 0)
                    pixels[n * 64 + y * 8 + x] = (bright ? 0.7 : 0) + 0.3 * noise[n * 64 + y * 8 + x]
                }
            }
        }
        return (Tensor(shape: [count, 1, 8, 8], scalars: pixels), labels)
    }

    func testClassifierLearnsBrightHalvesPerfectlyInAFewSteps() throws {
        let classifier = try FeatureClassifier(channels: 1, imageSize: 8, classes: 2, seed: 5)
        let train = halves(count: 32, seed: 1)
        var seen: [ClassifierTraining.EpochReport] = []
        let reports = try ClassifierTraining.train(
            classifier, images: train.images, labels: train.labels, epochs: 4, batchSize: 8, learningRate: 3e-3, maxShift: 0, seed: 2
        ) { seen.append($0) }
        XCTAssertEqual(reports, seen)
        XCTAssertEqual(reports.map(\.epoch), [1, 2, 3, 4])
        XCTAssertLessThan(reports[3].meanLoss, reports[0].meanLoss)
        let test = halves(count: 20, seed: 2)
        XCTAssertEqual(try classifier.accuracy(images: test.images, labels: test.labels), 1)
        XCTAssertEqual(classifier.predict(test.images), test.labels)
    }

    func testTrainingIsReproducibleFromTheSeed() throws {
        let data = halves(count: 12, seed: 3)
        func trained(_ seed: UInt64) throws -> [[Float]] {
            let classifier = try FeatureClassifier(channels: 1, imageSize: 8, classes: 2, seed: 7)
            try ClassifierTraining.train(classifier, images: data.images, labels: data.labels, epochs: 1, batchSize: 4, seed: seed)
            return classifier.stateDictionary().map(\.tensor.scalars)
        }
        XCTAssertEqual(try trained(1), try trained(1))
        XCTAssertNotEqual(try trained(1), try trained(2))
    }

    func testBadArchitectureOrTrainingInputsThrow() throws {
        XCTAssertThrowsError(try FeatureClassifier(channels: 1, imageSize: 30, classes: 10)) {
            XCTAssertEqual("\($0)", "classifier image size is 30, expected a positive multiple of 4")
        }
        XCTAssertThrowsError(try FeatureClassifier(classes: 1))
        let classifier = try FeatureClassifier(channels: 1, imageSize: 8, classes: 2)
        let data = halves(count: 4, seed: 4)
        XCTAssertThrowsError(try ClassifierTraining.train(classifier, images: data.images, labels: [0, 1], epochs: 1)) {
            XCTAssertEqual($0 as? ClassifierError, .labelCountMismatch(images: 4, labels: 2))
        }
        XCTAssertThrowsError(try ClassifierTraining.train(classifier, images: data.images, labels: [0, 1, 2, 0], epochs: 1)) {
            XCTAssertEqual($0 as? ClassifierError, .labelOutOfRange(index: 2, label: 2, classes: 2))
        }
        XCTAssertThrowsError(try classifier.accuracy(images: Tensor.zeros([2, 1, 4, 4]), labels: [0, 1]))
    }
}
