import Formats
import ArgumentParser
import Autograd
import Data
import Foundation
import GAN
import Training

/// `tandem classifier`: the small image classifier whose penultimate layer is the
/// feature space for the Fréchet distance and KID on MNIST.
struct ClassifierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classifier",
        abstract: "Train the feature classifier used by image metrics (Fréchet distance, KID, class histograms).",
        subcommands: [Train.self])

    /// `tandem classifier train`: trains on a labeled dataset, reports held-out accuracy, saves weights and a JSON summary.
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Train the feature classifier on a labeled dataset and save it as .safetensors plus a .json summary.")

        @Option(help: "Dataset kind (only mnist).") var dataset: String = "mnist"
        @Option(help: "Directory holding the dataset's files (for mnist: train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]).")
        var data: String
        @Option(help: "Where to write the weights (.safetensors); the summary goes beside it as .json. Default: classifier-<dataset>.safetensors.")
        var out: String?
        @Option(help: "Passes over the training split.") var epochs: Int = 15
        @Option(help: "Share of the samples held out to measure accuracy (0 < f < 1).") var testFraction: Double = 0.1
        @Option(help: "Seed of the initial weights, the train/test split and the batch order.") var seed: UInt64 = 0
        @Option(help: "Images per Adam step.") var batchSize: Int = 64
        @Option(help: "Adam learning rate at the start; it falls linearly to 0.") var learningRate: Float = 3e-3
        @Option(help: "Largest random shift of a training image, in pixels per axis (0 turns augmentation off).") var maxShift: Int = 2

        /// The default output file for the dataset.
        private var outputPath: String { out ?? "classifier-\(dataset).safetensors" }

        func validate() throws {
            guard dataset == "mnist" else { throw ValidationError("--dataset must be mnist, got '\(dataset)'") }
            guard outputPath.hasSuffix(".safetensors") else {
                throw ValidationError("--out must end in .safetensors, got '\(outputPath)'")
            }
            guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
            guard testFraction > 0, testFraction < 1 else {
                throw ValidationError("--test-fraction must lie strictly between 0 and 1, got \(testFraction)")
            }
            guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
            guard learningRate > 0, learningRate.isFinite else {
                throw ValidationError("--learning-rate must be a positive number, got \(learningRate)")
            }
            guard (0..<MNISTDataset.side).contains(maxShift) else {
                throw ValidationError("--max-shift must lie in 0...\(MNISTDataset.side - 1), got \(maxShift)")
            }
        }

        func run() throws {
            // Training the classifier is one process's work; under mpirun the other ranks have nothing to do.
            guard LaunchEnvironment.rank == 0 else { return }
            let started = Date()
            let weightsURL = URL(fileURLWithPath: outputPath)
            let summaryURL = URL(fileURLWithPath: String(outputPath.dropLast(".safetensors".count)) + ".json")
            // Fail before training, not after, when the output cannot land.
            var isDirectory: ObjCBool = false
            let folder = weightsURL.deletingLastPathComponent()
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ClassifierCommandError.writeFailed(path: weightsURL.relativePath, reason: "no directory \(folder.path)")
            }
            let source = try MNISTDataset(directory: URL(fileURLWithPath: data), pixelRange: .unit)
            guard let labels = source.labels else { throw ClassifierCommandError.unlabeled(directory: data) }
            let count = labels.count
            let testCount = Int((Double(count) * testFraction).rounded())
            guard testCount >= 1, testCount < count else {
                throw ClassifierCommandError.splitTooSmall(samples: count, testFraction: testFraction)
            }
            let order = SeededShuffle.permutation(of: count, seed: seed, purpose: "classifier.split")
            let testIndices = Array(order.prefix(testCount))
            let trainIndices = Array(order.dropFirst(testCount))

            let classes = 10
            let classifier = try FeatureClassifier(channels: 1, imageSize: MNISTDataset.side, classes: classes, seed: seed)
            print("training the \(dataset) classifier on \(trainIndices.count) images, testing on \(testIndices.count)")
            try ClassifierTraining.train(
                classifier, images: source.batch(at: trainIndices), labels: trainIndices.map { labels[$0] }, epochs: epochs,
                batchSize: batchSize, learningRate: learningRate, maxShift: maxShift, seed: seed
            ) { report in
                print(
                    "epoch \(report.epoch)/\(report.epochs): loss \(String(format: "%.4f", report.meanLoss)), "
                        + "train accuracy \(String(format: "%.2f%%", 100 * report.trainingAccuracy))")
            }
            let accuracy = try classifier.accuracy(images: source.batch(at: testIndices), labels: testIndices.map { labels[$0] })
            let seconds = Date().timeIntervalSince(started)
            print("test accuracy \(String(format: "%.2f%%", 100 * accuracy)) in \(String(format: "%.1f", seconds)) s")

            try write(SafeTensors.encode(classifier.stateDictionary()), to: weightsURL)
            var summary = JSONLine()
            summary["dataset"] = dataset
            summary["classes"] = classes
            summary["feature_dim"] = FeatureClassifier.featureDimension
            summary["test_accuracy"] = accuracy
            summary["train_samples"] = trainIndices.count
            summary["test_samples"] = testIndices.count
            summary["epochs"] = epochs
            summary["seed"] = Int(exactly: seed) ?? String(seed)
            summary["channels"] = classifier.channels
            summary["image_size"] = classifier.imageSize
            summary["pixel_range"] = PixelRange.unit.rawValue
            try write(Foundation.Data((summary.text + "\n").utf8), to: summaryURL)
            print("wrote \(weightsURL.relativePath) and \(summaryURL.relativePath)")
        }

        /// Writes `data` to a temporary file beside `url`, then renames it into place.
        private func write(_ data: Foundation.Data, to url: URL) throws {
            do {
                try data.write(to: url, options: .atomic)
            } catch {
                throw ClassifierCommandError.writeFailed(path: url.relativePath, reason: error.localizedDescription)
            }
        }
    }
}

/// Why `tandem classifier train` stopped; one line naming the file or flag.
enum ClassifierCommandError: Error, CustomStringConvertible {
    /// The dataset directory has images but no labels file.
    case unlabeled(directory: String)
    /// --test-fraction leaves no test or no training samples.
    case splitTooSmall(samples: Int, testFraction: Double)
    /// An output file could not be written.
    case writeFailed(path: String, reason: String)

    var description: String {
        switch self {
        case .unlabeled(let directory):
            return "\(directory): no labels (expected \(MNISTDataset.labelsFileName)[.gz] beside the images); the classifier needs labeled data"
        case .splitTooSmall(let samples, let testFraction):
            return "--test-fraction \(testFraction) of \(samples) samples leaves an empty train or test split, expected at least one of each"
        case .writeFailed(let path, let reason):
            return "\(path): cannot write (\(reason))"
        }
    }
}
