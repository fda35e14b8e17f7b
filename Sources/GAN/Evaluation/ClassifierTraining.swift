import Autograd
import NN

/// Trains a `FeatureClassifier` with Adam on softmax cross-entropy, the learning rate
/// falling linearly to 0 over the run, on images shifted by up to a few pixels. The
/// order of the samples and their shifts are pure functions of the seed and the epoch,
/// so a run repeated with the same seed, data and initial weights gives the same weights.
public enum ClassifierTraining {
    /// What one epoch did, for progress lines.
    public struct EpochReport: Sendable, Equatable {
        /// 1-based epoch number and the number of epochs in the run.
        public let epoch: Int
        public let epochs: Int
        /// Mean cross-entropy over the epoch's batches, weighted by batch size.
        public let meanLoss: Double
        /// Share of the epoch's (shifted) training samples classified correctly while training.
        public let trainingAccuracy: Double
    }

    /// Runs `epochs` passes over `images` ([N, C, S, S] or flat [N, C·S·S]) and `labels`
    /// (one per image, in 0..<classes), in shuffled batches of `batchSize` (the last one
    /// may be smaller), and returns one report per epoch; `progress` sees each as it ends.
    /// Each training image is translated by up to `maxShift` pixels on each axis (0: never).
    /// The defaults reach 97-98% held-out accuracy on 4,500 MNIST digits in 15 epochs.
    @discardableResult
    public static func train(
        _ classifier: FeatureClassifier, images: Tensor, labels: [Int], epochs: Int, batchSize: Int = 64,
        learningRate: Float = 3e-3, maxShift: Int = 2, seed: UInt64 = 0, progress: ((EpochReport) -> Void)? = nil
    ) throws(ClassifierError) -> [EpochReport] {
        try checkSettings(
            classifier, images: images, labels: labels, epochs: epochs, batchSize: batchSize, learningRate: learningRate,
            maxShift: maxShift)
        let count = images.shape[0]
        let optimizer: Adam
        do {
            optimizer = try Adam(parameters: classifier.namedParameters, learningRate: learningRate)
        } catch {
            throw .invalidTrainingSetting(name: "optimizer", value: "Adam", expected: "\(error)")
        }
        classifier.isTraining = true
        let parameters = classifier.parameters
        let stepsPerEpoch = (count + batchSize - 1) / batchSize
        let schedule = LearningRateSchedule.linearDecay(startStep: 0, endStep: epochs * stepsPerEpoch, finalFactor: 0)
        let imageShape = [classifier.channels, classifier.imageSize, classifier.imageSize]
        var reports: [EpochReport] = []
        for epoch in 0..<epochs {
            let order = SeededShuffle.permutation(of: count, seed: seed, purpose: "classifier.shuffle", step: epoch)
            var lossSum = 0.0
            var correct = 0
            for start in stride(from: 0, to: count, by: batchSize) {
                let positions = start..<Swift.min(start + batchSize, count)
                let batch = Array(order[positions])
                let batchLabels = batch.map { labels[$0] }
                var inputs = images.gatherRows(batch).reshaped([batch.count] + imageShape)
                if maxShift > 0 {
                    inputs = RandomTranslation.apply(
                        inputs, shifts: RandomTranslation.shifts(maxShift: maxShift, seed: seed, epoch: epoch, positions: positions))
                }
                let logits = classifier.logits(inputs)
                let loss = softmaxCrossEntropy(logits: logits, labels: batchLabels)
                optimizer.learningRate = schedule.rate(base: learningRate, step: optimizer.stepCount)
                optimizer.step(gradients: gradients(of: loss, wrt: parameters))
                lossSum += Double(loss.item) * Double(batch.count)
                correct += zip(rowArgmax(logits), batchLabels).filter { $0 == $1 }.count
            }
            let report = EpochReport(
                epoch: epoch + 1, epochs: epochs, meanLoss: lossSum / Double(count),
                trainingAccuracy: Double(correct) / Double(count))
            reports.append(report)
            progress?(report)
        }
        classifier.isTraining = false
        return reports
    }

    /// Throws unless the images fit the classifier, there is one valid label per image,
    /// and every setting lies in its range.
    private static func checkSettings(
        _ classifier: FeatureClassifier, images: Tensor, labels: [Int], epochs: Int, batchSize: Int, learningRate: Float,
        maxShift: Int
    ) throws(ClassifierError) {
        try classifier.validate(images: images)
        let count = images.shape[0]
        guard labels.count == count else { throw .labelCountMismatch(images: count, labels: labels.count) }
        if let bad = labels.firstIndex(where: { !(0..<classifier.classes).contains($0) }) {
            throw .labelOutOfRange(index: bad, label: labels[bad], classes: classifier.classes)
        }
        guard count >= 1 else { throw .invalidTrainingSetting(name: "training set size", value: "0", expected: "at least 1 image") }
        guard epochs >= 0 else { throw .invalidTrainingSetting(name: "epochs", value: "\(epochs)", expected: "at least 0") }
        guard batchSize >= 1 else { throw .invalidTrainingSetting(name: "batch size", value: "\(batchSize)", expected: "at least 1") }
        guard learningRate > 0, learningRate.isFinite else {
            throw .invalidTrainingSetting(name: "learning rate", value: "\(learningRate)", expected: "a positive number")
        }
        guard maxShift >= 0, maxShift < classifier.imageSize else {
            throw .invalidTrainingSetting(name: "maximum shift", value: "\(maxShift)", expected: "0...\(classifier.imageSize - 1) pixels")
        }
    }
}
