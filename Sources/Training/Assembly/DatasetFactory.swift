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
        let dataset = try limit(try load(config.dataset, path: config.dataPath, config: config, comm: comm, say: say), config)
        guard config.dataFlip else { return dataset }
        guard let images = dataset as? any ImageDataset, images.holdsImages else {
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

    /// A dataset of `kind` read from `path` (nil only for the toy mixtures), with the
    /// configuration's other data settings (.npy layout, folder options, seed) and no flips:
    /// the training data, or another dataset a method reads (a Trust-the-Critics source).
    public static func load(
        _ kind: DatasetKind, path: String?, config: TrainingConfiguration, comm: any Communicator = LocalCommunicator(),
        say: @escaping (String) -> Void = { _ in }
    ) throws -> any Dataset {
        // Models end in a sigmoid for images, so pixels are scaled to [0, 1].
        let range = PixelRange.unit
        func file() throws -> URL { URL(fileURLWithPath: try required(path, kind: kind, config)) }
        switch kind {
        case .mnist: return try MNISTDataset(directory: try file(), pixelRange: range)
        case .cifar10: return try CIFAR10Dataset(directory: try file(), pixelRange: range)
        case .npy: return try NpyDataset(file: try file(), layout: config.dataLayout, pixelRange: range)
        case .folder: return try FolderDatasetLoader(config: config, directory: try file(), comm: comm, say: say).load()
        case .toy(let kind): return ToyMixture(kind: kind, seed: config.seed)
        }
    }

    /// The path every dataset read from files needs (the configuration checks data.path; this names it again).
    private static func required(_ path: String?, kind: DatasetKind, _ config: TrainingConfiguration) throws -> String {
        guard let path else {
            throw ConfigError.invalidValue(origin: config.values.origin(of: "data.dataset"), key: "data.path", reason: "dataset \(kind.rawValue) needs its data: pass --data PATH")
        }
        return path
    }
}
