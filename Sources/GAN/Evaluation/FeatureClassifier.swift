import Autograd
import NN

/// A small convolutional image classifier whose penultimate layer (128 units after a
/// ReLU) is the feature space for the Fréchet distance and KID on datasets where
/// Inception features are out of reach (MNIST). The network is PyTorch's
///
///     nn.Sequential(Conv2d(C, 32, 3, padding=1), ReLU(), AvgPool2d(2),
///                   Conv2d(32, 64, 3, padding=1), ReLU(), AvgPool2d(2), Flatten(),
///                   Linear(64·(S/4)², 128), ReLU(), Linear(128, classes))
///
/// so its state ("0.weight", "3.weight", "7.weight", "9.weight" and biases) loads
/// into that module with `load_state_dict(strict=True)`.
public final class FeatureClassifier: Module {
    /// Length of a feature vector.
    public static let featureDimension = 128

    /// Image channels, side and number of classes the network was built for.
    public let channels: Int
    public let imageSize: Int
    public let classes: Int
    /// All layers; `features` runs all but the last.
    public let network: Sequential

    public var isTraining: Bool {
        get { network.isTraining }
        set { network.isTraining = newValue }
    }

    /// Builds the network for `channels`×`imageSize`×`imageSize` images; the initial
    /// weights are a pure function of `seed`. Throws unless channels ≥ 1, classes ≥ 2
    /// and imageSize is a positive multiple of 4 (two 2×2 poolings).
    public init(channels: Int = 1, imageSize: Int = 28, classes: Int = 10, seed: UInt64 = 0) throws(ClassifierError) {
        guard channels >= 1 else { throw .invalidArchitecture(setting: "channels", value: channels, expected: "at least 1") }
        guard imageSize >= 4, imageSize % 4 == 0 else {
            throw .invalidArchitecture(setting: "image size", value: imageSize, expected: "a positive multiple of 4")
        }
        guard classes >= 2 else { throw .invalidArchitecture(setting: "classes", value: classes, expected: "at least 2") }
        self.channels = channels
        self.imageSize = imageSize
        self.classes = classes
        let pooledArea = (imageSize / 4) * (imageSize / 4)
        network = Sequential(
            [
                Conv2d(inChannels: channels, outChannels: 32, kernelSize: 3, padding: 1, seed: seed, name: "0"),
                ReLU(),
                AvgPool2d(kernelSize: 2),
                Conv2d(inChannels: 32, outChannels: 64, kernelSize: 3, padding: 1, seed: seed, name: "3"),
                ReLU(),
                AvgPool2d(kernelSize: 2),
                Flatten(),
                Linear(inputs: 64 * pooledArea, outputs: Self.featureDimension, seed: seed, name: "7"),
                ReLU(),
                Linear(inputs: Self.featureDimension, outputs: classes, seed: seed, name: "9"),
            ], inputShape: [channels, imageSize, imageSize])
    }

    /// Checks that `images` is [N, C, S, S] or flat [N, C·S·S] for this network.
    public func validate(images: Tensor) throws(ClassifierError) {
        let sample = [channels, imageSize, imageSize]
        guard images.rank >= 1, Array(images.shape.dropFirst()) == sample || Array(images.shape.dropFirst()) == [sample.reduce(1, *)]
        else { throw .wrongImageShape(found: images.shape, expected: "[N, \(channels), \(imageSize), \(imageSize)] or [N, \(sample.reduce(1, *))]") }
    }

    /// The 128-d penultimate activations, [N, 128] (records a graph when gradients are on).
    public func features(_ images: Tensor) -> Tensor {
        var x = images.reshaped([-1, channels, imageSize, imageSize])
        for layer in network.layers.dropLast() { x = layer(x) }
        return x
    }

    /// Class scores before the softmax, [N, classes].
    public func logits(_ images: Tensor) -> Tensor {
        network.layers[network.layers.count - 1](features(images))
    }

    /// The logits (so the classifier can stand wherever a module is expected).
    public func callAsFunction(_ input: Tensor) -> Tensor { logits(input) }

    /// Features of many images, `batchSize` at a time without recording a graph, [N, 128].
    public func features(_ images: Tensor, batchSize: Int) -> Tensor {
        guard images.shape[0] > 0 else { return Tensor.zeros([0, Self.featureDimension]) }
        return inBatches(images, batchSize: batchSize) { features($0) }
    }

    /// The most likely class of each image, computed `batchSize` at a time without a graph.
    public func predict(_ images: Tensor, batchSize: Int = 256) -> [Int] {
        guard images.shape[0] > 0 else { return [] }
        return rowArgmax(inBatches(images, batchSize: batchSize) { logits($0) })
    }

    /// The share of `images` whose predicted class equals its label.
    public func accuracy(images: Tensor, labels: [Int]) throws(ClassifierError) -> Double {
        try validate(images: images)
        guard labels.count == images.shape[0] else { throw .labelCountMismatch(images: images.shape[0], labels: labels.count) }
        guard !labels.isEmpty else { return 0 }
        let correct = zip(predict(images), labels).filter { $0 == $1 }.count
        return Double(correct) / Double(labels.count)
    }

    public var namedParameters: NamedTensors { network.namedParameters }
    public var namedBuffers: NamedTensors { network.namedBuffers }
    public func stateDictionary() -> NamedTensors { network.stateDictionary() }

    /// `body` applied to consecutive row ranges of `images` (at least one row) with no graph, results stacked.
    private func inBatches(_ images: Tensor, batchSize: Int, _ body: (Tensor) -> Tensor) -> Tensor {
        precondition(batchSize >= 1, "FeatureClassifier: batchSize must be at least 1, got \(batchSize)")
        let rows = images.shape[0]
        return withoutGradients {
            let parts = stride(from: 0, to: rows, by: batchSize).map { start in
                body(images.slice(axis: 0, start..<Swift.min(start + batchSize, rows)))
            }
            return parts.count == 1 ? parts[0] : concat(parts, axis: 0)
        }
    }
}
