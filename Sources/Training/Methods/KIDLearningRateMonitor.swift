import Autograd
import Data
import GAN
import MPI

/// MMD GAN's KID-based learning-rate schedule (`mmd.kid_schedule`) across ranks:
/// every `every` iterations each rank generates its share of `samples` new samples
/// (latents keyed by step and global index) and embeds them (the feature classifier
/// of `eval.classifier` for images, the raw points otherwise); rank 0 gathers them,
/// runs `KIDLearningRateSchedule` against fixed real features (a seeded subset of the
/// data, embedded once) and broadcasts the learning-rate scale, so every rank applies
/// the same rate. The schedule's memory lives on rank 0, which writes checkpoints;
/// `state` is what a checkpoint keeps, so a resumed run decides as the straight run.
final class KIDLearningRateMonitor {
    struct Settings {
        let every: Int
        let samples: Int
        let memoryLength: Int
        let patience: Int
    }

    /// The lowest learning rate a decay leads to (the reference's floor).
    static let floorRate: Float = 1e-6
    let settings: Settings
    let seed: UInt64
    let sampleShape: [Int]
    /// The generator's configured learning rate: the floor applies to it.
    let baseRate: Float
    let featureDimension: Int
    private(set) var scale: Float = 1
    private var schedule: KIDLearningRateSchedule
    private let classifier: FeatureClassifier?
    /// The real features, on rank 0 (nil elsewhere, and when no data is loaded).
    private var real: Tensor?

    /// `dataset` nil (sampling a finished run): the monitor keeps only its state.
    init(settings: Settings, config: TrainingConfiguration, sampleShape: [Int], dataset: (any Dataset)?, comm: any Communicator) throws {
        self.settings = settings
        seed = config.seed
        self.sampleShape = sampleShape
        baseRate = config.generatorOptimizer.learningRate
        schedule = KIDLearningRateSchedule(memoryLength: settings.memoryLength, patience: settings.patience)
        let images = sampleShape.count == 3
        featureDimension = images ? FeatureClassifier.featureDimension : sampleShape.reduce(1, *)
        if dataset != nil, images, let path = config.evaluation.classifier {
            classifier = try Evaluator.loadClassifier(path: path, sampleShape: sampleShape, comm: comm)
        } else {
            classifier = nil
        }
        if let dataset, let count = dataset.count, count < settings.samples {
            throw ConfigError.invalidValue(
                origin: config.values.origin(of: "mmd.kid_samples"), key: "mmd.kid_samples",
                reason: "\(settings.samples) samples per evaluation, but the data holds \(count)")
        }
        if let dataset { real = try gatherFeatures(Self.realSamples(dataset, count: settings.samples, seed: seed, comm: comm), comm: comm) }
    }

    func isDue(afterIteration step: Int) -> Bool { (step + 1) % settings.every == 0 }

    /// One evaluation after iteration `step`; every rank calls it. Returns the new scale.
    func evaluate(afterIteration step: Int, source: any SampleSource, comm: any Communicator) throws -> Float {
        let rows = BalancedSplit.range(comm.rank, of: comm.size, total: settings.samples)
        let generated = try gatherFeatures(source.samples(seed: seed, purpose: "z.kid.\(step)", rows: rows), comm: comm)
        var decided = try comm.agree { () -> [Double] in
            guard comm.rank == 0, let real, let generated else { return [0] }
            if case .decay = try schedule.record(real: real, generated: generated) {
                scale = max(scale * 0.5, min(scale, Self.floorRate / baseRate))
            }
            return [Double(scale)]
        }
        try comm.broadcast(&decided, root: 0)
        scale = Float(decided[0])
        return scale
    }

    /// Features of this rank's rows, gathered in rank order on rank 0 (nil elsewhere).
    private func gatherFeatures(_ samples: Tensor, comm: any Communicator) throws -> Tensor? {
        let features = withoutGradients { classifier.map { $0.features(samples, batchSize: 250) } ?? samples.flattenedBatch() }
        let parts = try comm.gather(features.scalars, root: 0)
        guard comm.rank == 0 else { return nil }
        let values = parts.flatMap { $0 }
        return Tensor(shape: [values.count / featureDimension, featureDimension], scalars: values)
    }

    /// This rank's share of the fixed real samples: a seeded choice of `count` data
    /// indices, or, for a generated mixture, indices far from those training draws.
    private static func realSamples(_ dataset: any Dataset, count: Int, seed: UInt64, comm: any Communicator) -> Tensor {
        let indices = dataset.count.map { Array(SeededShuffle.permutation(of: $0, seed: seed, purpose: "kid.real").prefix(count)) }
            ?? Array(2_000_000_000..<(2_000_000_000 + count))
        return dataset.batch(at: Array(indices[BalancedSplit.range(comm.rank, of: comm.size, total: count)]))
    }

    // MARK: - State

    /// The scale, the misses, how many feature sets the memory holds, and the memory
    /// (padded to its full length).
    var state: NamedTensors {
        let memory = schedule.memory
        var padded = [Float](repeating: 0, count: settings.memoryLength * settings.samples * featureDimension)
        for (index, set) in memory.enumerated() {
            let start = index * settings.samples * featureDimension
            padded.replaceSubrange(start..<(start + set.count), with: set.scalars)
        }
        return [
            (name: "kid.lr_scale", tensor: Tensor([scale])), (name: "kid.misses", tensor: Tensor([Float(schedule.misses)])),
            (name: "kid.memory_count", tensor: Tensor([Float(memory.count)])),
            (name: "kid.memory", tensor: Tensor(shape: [settings.memoryLength, settings.samples, featureDimension], scalars: padded)),
        ]
    }

    /// Restores `state`, checking its shapes against this configuration.
    func restore(_ state: [String: Tensor]) throws {
        let shape = [settings.memoryLength, settings.samples, featureDimension]
        guard let lrScale = state["kid.lr_scale"]?.scalars.first, let misses = state["kid.misses"]?.scalars.first,
            let count = state["kid.memory_count"]?.scalars.first, let memory = state["kid.memory"], memory.shape == shape,
            count >= 0, Int(count) <= settings.memoryLength, misses >= 0, lrScale > 0
        else {
            throw KIDStateError(expected: shape)
        }
        let size = settings.samples * featureDimension
        let sets = (0..<Int(count)).map { memory.view(offset: $0 * size, shape: [settings.samples, featureDimension]).copy() }
        scale = lrScale
        schedule = KIDLearningRateSchedule(memoryLength: settings.memoryLength, patience: settings.patience, memory: sets, misses: Int(misses))
    }
}

/// A checkpoint's KID schedule state that does not fit this configuration.
struct KIDStateError: Error, CustomStringConvertible {
    let expected: [Int]

    var description: String {
        "the KID schedule state (kid.lr_scale, kid.misses, kid.memory_count, kid.memory \(expected)) is missing or does not fit mmd.kid_*"
    }
}
