import Data
import Foundation

/// The dataset a configuration names, loaded (errors name the file and what was expected).
public enum DatasetFactory {
    public static func make(_ config: TrainingConfiguration) throws -> any Dataset {
        // Models end in a sigmoid for images, so pixels are scaled to [0, 1].
        let range = PixelRange.unit
        let kind = config.dataset
        guard kind != "mnist" && kind != "cifar10" && kind != "npy" else {
            guard let path = config.dataPath else {
                throw ConfigError.invalidValue(origin: config.values.origin(of: "data.dataset"), key: "data.path", reason: "dataset \(kind) needs its data: pass --data PATH")
            }
            let url = URL(fileURLWithPath: path)
            switch kind {
            case "mnist": return try MNISTDataset(directory: url, pixelRange: range)
            case "cifar10": return try CIFAR10Dataset(directory: url, pixelRange: range)
            default: return try NpyDataset(file: url, layout: config.dataLayout == "nhwc" ? .nhwc : .nchw, pixelRange: range)
            }
        }
        return try ToyMixture(kind: kind, seed: config.seed)
    }
}
