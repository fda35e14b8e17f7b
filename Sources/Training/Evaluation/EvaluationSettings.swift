/// What an evaluation measures with.
public struct EvaluationSettings: Sendable {
    /// Generated samples (and at most this many real ones) per evaluation.
    public var samples: Int
    /// The feature classifier (.safetensors, with its .json beside it) for image data.
    public var classifier: String?
    /// Seed of the evaluation's latents and subsets (fixed, so evaluations compare).
    public var seed: UInt64

    public init(samples: Int, classifier: String?, seed: UInt64) {
        self.samples = samples
        self.classifier = classifier
        self.seed = seed
    }
}

/// Why an evaluation cannot run, naming the file or setting.
public enum EvaluationSetupError: Error, CustomStringConvertible, Equatable {
    case classifierNeeded(dataset: String)
    case unreadableClassifier(path: String, reason: String)
    case classifierMismatch(path: String, reason: String)
    case tooFewImagesForBaseline(dataset: String, images: Int, samples: Int)

    public var description: String {
        switch self {
        case let .classifierNeeded(dataset):
            return "evaluating \(dataset) images needs a feature classifier: train one with `tandem classifier train --data PATH` and pass --classifier FILE (or set eval.classifier)"
        case let .unreadableClassifier(path, reason):
            return "\(path): cannot read the classifier: \(reason)"
        case let .classifierMismatch(path, reason):
            return "\(path): the classifier does not fit this data: \(reason)"
        case let .tooFewImagesForBaseline(dataset, images, samples):
            return "--real-baseline: \(dataset) has \(images) images; comparing \(samples) held-out images with \(samples) others needs \(2 * samples) (pass --samples \(images / 2) or fewer)"
        }
    }
}
