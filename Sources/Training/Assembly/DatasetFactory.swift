import Data
import Foundation

/// The dataset a configuration names, loaded (errors name the file and what was expected).
public enum DatasetFactory {
    public static func make(_ config: TrainingConfiguration) throws -> any Dataset {
        // Models end in a sigmoid for images, so pixels are scaled to [0, 1].
        let range = PixelRange.unit
        switch config.dataset {
        case "mnist":
            return try MNISTDataset(directory: URL(fileURLWithPath: config.dataPath!), pixelRange: range)
        case "cifar10":
            return try CIFAR10Dataset(directory: URL(fileURLWithPath: config.dataPath!), pixelRange: range)
        case "npy":
            return try NpyDataset(file: URL(fileURLWithPath: config.dataPath!), layout: config.dataLayout == "nhwc" ? .nhwc : .nchw, pixelRange: range)
        default:
            return try ToyMixture(kind: config.dataset, seed: config.seed)
        }
    }
}
