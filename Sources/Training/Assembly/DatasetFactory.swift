import Data
import Foundation
import MPI

/// The dataset a configuration names, loaded (errors name the file and what was expected).
public enum DatasetFactory {
    /// Loads the dataset on every rank of `comm` (all ranks must call it: a folder is
    /// decoded by the ranks together). `say` gets warnings and progress (rank 0 passes
    /// its output, the others nothing).
    public static func make(
        _ config: TrainingConfiguration, comm: any Communicator = LocalCommunicator(), say: @escaping (String) -> Void = { _ in }
    ) throws -> any Dataset {
        // Models end in a sigmoid for images, so pixels are scaled to [0, 1].
        let range = PixelRange.unit
        let dataset: any Dataset
        switch config.dataset {
        case .mnist: dataset = try MNISTDataset(directory: URL(fileURLWithPath: try path(config)), pixelRange: range)
        case .cifar10: dataset = try CIFAR10Dataset(directory: URL(fileURLWithPath: try path(config)), pixelRange: range)
        case .npy: dataset = try NpyDataset(file: URL(fileURLWithPath: try path(config)), layout: config.dataLayout, pixelRange: range)
        case .folder:
            dataset = try FolderDatasetLoader(config: config, directory: URL(fileURLWithPath: try path(config)), comm: comm, say: say).load()
        case .toy(let kind): dataset = ToyMixture(kind: kind, seed: config.seed)
        }
        let limited = try limit(dataset, config)
        guard config.dataFlip else { return limited }
        guard let images = limited as? any ImageDataset, images.holdsImages else {
            throw ConfigError.invalidValue(
                origin: config.values.origin(of: "data.flip"), key: "data.flip",
                reason: "flips images, the data (\(dataset.name)) holds samples of shape \(dataset.sampleShape)")
        }
        return HorizontallyFlipped(images, seed: config.seed)
    }

    /// The `data.limit` images of the dataset, or all of it.
    private static func limit(_ dataset: any Dataset, _ config: TrainingConfiguration) throws -> any Dataset {
        guard let limit = config.dataLimit else { return dataset }
        let origin = config.values.origin(of: "data.limit")
        guard let images = dataset as? any ImageDataset, images.holdsImages, let count = images.count else {
            throw ConfigError.invalidValue(origin: origin, key: "data.limit", reason: "keeps images, the data (\(dataset.name)) holds samples of shape \(dataset.sampleShape)")
        }
        guard limit <= count else {
            throw ConfigError.invalidValue(origin: origin, key: "data.limit", reason: "\(limit) is more than the \(count) images of \(dataset.name)")
        }
        return ImageSubset(images, limit: limit)
    }

    /// data.path, which the configuration requires for every dataset read from files.
    private static func path(_ config: TrainingConfiguration) throws -> String {
        guard let path = config.dataPath else {
            throw ConfigError.invalidValue(origin: config.values.origin(of: "data.dataset"), key: "data.path", reason: "dataset \(config.dataset.rawValue) needs its data: pass --data PATH")
        }
        return path
    }
}
