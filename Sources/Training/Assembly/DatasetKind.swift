import Data

/// Where the training samples come from (`data.dataset`).
public enum DatasetKind: Hashable, Sendable, CaseIterable, RawRepresentable {
    /// A 2-D mixture drawn on demand (no data file).
    case toy(ToyMixture.Kind)
    /// MNIST's IDX files.
    case mnist
    /// CIFAR-10's binary batches.
    case cifar10
    /// A .npy array of points or images.
    case npy
    /// A directory of PNG and JPEG files.
    case folder

    public static var allCases: [DatasetKind] { ToyMixture.Kind.allCases.map(DatasetKind.toy) + [.mnist, .cifar10, .npy, .folder] }

    public init?(rawValue: String) {
        guard let kind = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = kind
    }

    public var rawValue: String {
        switch self {
        case .toy(let kind): kind.rawValue
        case .mnist: "mnist"
        case .cifar10: "cifar10"
        case .npy: "npy"
        case .folder: "folder"
        }
    }

    /// Whether the data is read from `data.path`.
    public var needsPath: Bool {
        if case .toy = self { return false }
        return true
    }
}
