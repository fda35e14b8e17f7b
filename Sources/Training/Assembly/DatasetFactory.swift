import Data
import Foundation

/// The dataset a configuration names, loaded (errors name the file and what was expected).
public enum DatasetFactory {
    public static func make(_ config: TrainingConfiguration) throws -> any Dataset {
        // Models end in a sigmoid for images, so pixels are scaled to [0, 1].
        let range = PixelRange.unit
        let path = URL(fileURLWithPath: config.dataPath ?? "")
        switch config.dataset {
        case .mnist: return try MNISTDataset(directory: path, pixelRange: range)
        case .cifar10: return try CIFAR10Dataset(directory: path, pixelRange: range)
        case .npy: return try NpyDataset(file: path, layout: config.dataLayout, pixelRange: range)
        case .toy(let kind): return ToyMixture(kind: kind, seed: config.seed)
        }
    }
}
