import Formats
import Autograd
import Data
import Foundation
import GAN
import MPI
import NN

/// Measures a generator as GAN papers do, with the work split across ranks: each
/// rank generates (and embeds) its share of the samples, chosen by global index,
/// so the numbers do not depend on how many ranks compute them. Statistics that
/// add up (mode counts, feature moments, class counts) are summed with allreduce;
/// energy distance and KID, which need every sample, run on rank 0 after a gather.
/// Every rank must call `evaluate`; every rank gets the same result.
public final class Evaluator {
    let comm: any Communicator
    let dataset: any Dataset
    let settings: EvaluationSettings
    let modes: MixtureModes?
    let classifier: FeatureClassifier?
    /// Real-data statistics, computed once.
    private var realMoments: FeatureMoments?
    private var realFeatures: Tensor?
    private var realClasses: ClassCounts?
    private var realPoints: Tensor?

    /// Rank 0 reads the classifier (for image data) and shares it; the real data's statistics are computed now.
    public init(comm: any Communicator, dataset: any Dataset, settings: EvaluationSettings) throws {
        self.comm = comm
        self.dataset = dataset
        self.settings = settings
        if let toy = dataset as? ToyMixture, let centres = toy.modes, let std = toy.modeStd {
            modes = try MixtureModes(centres: centres, std: std)
        } else {
            modes = nil
        }
        if dataset.sampleShape.count == 3 {
            guard let path = settings.classifier else { throw EvaluationSetupError.classifierNeeded(dataset: dataset.name) }
            classifier = try Self.loadClassifier(path: path, sampleShape: dataset.sampleShape, comm: comm)
        } else {
            classifier = nil
        }
        try measureRealData()
    }

    /// Metrics of the samples of `source` (global rows 0..<samples of (seed, "z.eval")), named "eval_*".
    public func evaluate(source: any SampleSource) throws -> [(name: String, value: Double)] {
        try evaluate(samples: source.samples(seed: settings.seed, purpose: "z.eval", rows: shard))
    }

    /// Metrics of held-out real data in place of a generator's samples: the values a
    /// generator that draws exactly from the data would get at this sample count (the
    /// floor the finite sample puts under FD, KID and energy distance). Image data needs
    /// 2 × samples images: these are the evaluation permutation's next `samples`, disjoint
    /// from the real set compared against; a toy mixture draws fresh indices.
    public func evaluateHeldOutData() throws -> [(name: String, value: Double)] {
        let rows = shard
        guard let count = dataset.count else {
            return try evaluate(samples: dataset.batch(at: Array((2_000_000_000 + rows.lowerBound)..<(2_000_000_000 + rows.upperBound))))
        }
        let heldOut = try comm.agree {
            guard count >= 2 * settings.samples else {
                throw EvaluationSetupError.tooFewImagesForBaseline(dataset: dataset.name, images: count, samples: settings.samples)
            }
            return permutation(count).dropFirst(settings.samples).prefix(settings.samples)
        }
        return try evaluate(samples: dataset.batch(at: Array(heldOut.dropFirst(rows.lowerBound).prefix(rows.count))))
    }

    /// Metrics of this rank's rows `generated` of the global samples.
    private func evaluate(samples generated: Tensor) throws -> [(name: String, value: Double)] {
        var results: [(String, Double)] = [("eval_samples", Double(settings.samples))]
        if let classifier {
            let features = withoutGradients { classifier.features(generated, batchSize: 250) }
            let moments = try sumOverRanks(try FeatureMoments(features: features))
            let classes = try sumOverRanks(try ClassCounts(labels: classifier.predict(generated), classes: classifier.classes))
            let allFeatures = try gatherRows(features)
            let shared = try onRankZero(count: 4) {
                let kid = try KernelInceptionDistance(realFeatures!, allFeatures!, seed: settings.seed)
                return [
                    try frechetDistance(realMoments!, moments), kid.mean, kid.standardDeviation,
                    try classHistogramDivergence(generated: classes, data: realClasses!),
                ]
            }
            results += [("eval_fd", shared[0]), ("eval_kid", shared[1]), ("eval_kid_std", shared[2]), ("eval_class_kl", shared[3])]
        } else {
            if let modes {
                let counts = try sumOverRanks(try ModeCounts(samples: generated.flattenedBatch(), modes: modes)).metrics()
                results += [
                    ("eval_modes_covered", Double(counts.modesCovered)), ("eval_mode_count", Double(counts.modeCount)),
                    ("eval_high_quality_share", counts.highQualityShare), ("eval_mode_kl", counts.klFromUniform),
                ]
            }
            let allPoints = try gatherRows(generated.flattenedBatch())
            let distance = try onRankZero(count: 1) { [try energyDistance(allPoints!, realPoints!)] }
            results.append(("eval_energy_distance", distance[0]))
        }
        return results
    }

    // MARK: - Samples and statistics

    /// This rank's share of the global samples 0..<samples: row r is sample shard.lowerBound + r.
    private var shard: Range<Int> { BalancedSplit.range(comm.rank, of: comm.size, total: settings.samples) }

    /// The real data compared against: a fixed subset of an image dataset (a seeded
    /// permutation's first `samples`), or fresh draws of a toy mixture far from the
    /// indices training uses.
    private func measureRealData() throws {
        if let classifier {
            let subset = realSubset()
            let mine = BalancedSplit.range(comm.rank, of: comm.size, total: subset.count)
            let images = dataset.batch(at: Array(subset[mine]))
            let features = withoutGradients { classifier.features(images, batchSize: 250) }
            realMoments = try sumOverRanks(try FeatureMoments(features: features))
            realFeatures = try gatherRows(features)
            let labels = (dataset as? any ImageDataset)?.labels.map { all in subset[mine].map { all[$0] } } ?? classifier.predict(images)
            realClasses = try sumOverRanks(try ClassCounts(labels: labels, classes: classifier.classes))
        } else if comm.rank == 0 {
            realPoints = dataset.batch(at: realSubset()).flattenedBatch()
        }
    }

    /// A seeded choice of at most `samples` data indices; a generator's (toy mixture's)
    /// indices far from those training draws, so the comparison sees fresh samples.
    private func realSubset() -> [Int] {
        guard let count = dataset.count else { return Array(1_000_000_000..<(1_000_000_000 + settings.samples)) }
        return Array(permutation(count).prefix(settings.samples))
    }

    /// The seeded order in which evaluation takes the data's images.
    private func permutation(_ count: Int) -> [Int] {
        SeededShuffle.permutation(of: count, seed: settings.seed, purpose: "eval.real")
    }

    private func sumOverRanks(_ counts: ModeCounts) throws -> ModeCounts {
        var values = counts.flattenedAsDouble
        try comm.allreduce(&values, .sum)
        return try ModeCounts(flattened: values)
    }

    private func sumOverRanks(_ moments: FeatureMoments) throws -> FeatureMoments {
        var values = moments.flattened
        try comm.allreduce(&values, .sum)
        return try FeatureMoments(flattened: values, dimension: moments.dimension)
    }

    private func sumOverRanks(_ counts: ClassCounts) throws -> ClassCounts {
        var values = counts.counts
        try comm.allreduce(&values, .sum)
        return try ClassCounts(counts: values)
    }

    /// Every rank's rows of a [n, d] matrix, stacked in rank (so global) order on rank 0; nil elsewhere.
    private func gatherRows(_ rows: Tensor) throws -> Tensor? {
        let width = rows.count / max(rows.shape[0], 1)
        let parts = try comm.gather(rows.scalars, root: 0)
        guard comm.rank == 0 else { return nil }
        let values = parts.flatMap { $0 }
        return Tensor(shape: [values.count / max(width, 1), width], scalars: values)
    }

    /// Computes `count` values on rank 0 and shares them; a failure there stops every rank.
    private func onRankZero(count: Int, _ body: () throws -> [Double]) throws -> [Double] {
        var values = try comm.agree { comm.rank == 0 ? try body() : [Double](repeating: 0, count: count) }
        try comm.broadcast(&values, root: 0)
        return values
    }

    // MARK: - The classifier

    /// Rank 0 reads the classifier's weights and summary; every rank builds it from the shared bytes.
    static func loadClassifier(path: String, sampleShape: [Int], comm: any Communicator) throws -> FeatureClassifier {
        let summaryPath = String(path.dropLast(path.hasSuffix(".safetensors") ? ".safetensors".count : 0)) + ".json"
        let bytes: [UInt8] = try comm.agree {
            guard comm.rank == 0 else { return [] }
            guard let weights = FileManager.default.contents(atPath: path) else {
                throw EvaluationSetupError.unreadableClassifier(path: path, reason: "no such file")
            }
            guard let summary = FileManager.default.contents(atPath: summaryPath) else {
                throw EvaluationSetupError.unreadableClassifier(path: summaryPath, reason: "no such file (written beside the weights by tandem classifier train)")
            }
            // Length-prefixed summary, then the weights.
            return withUnsafeBytes(of: UInt64(summary.count).littleEndian, Array.init) + Array(summary) + Array(weights)
        }
        let shared = try comm.broadcastBytes(bytes, root: 0)
        return try comm.agree {
            let length = Int(shared.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
            let summary = (try? JSONSerialization.jsonObject(with: Data(shared[8..<(8 + length)]))) as? [String: Any] ?? [:]
            guard let channels = summary["channels"] as? Int, let size = summary["image_size"] as? Int, let classes = summary["classes"] as? Int else {
                throw EvaluationSetupError.unreadableClassifier(path: summaryPath, reason: "expected channels, image_size and classes")
            }
            guard [channels, size, size] == sampleShape else {
                throw EvaluationSetupError.classifierMismatch(path: path, reason: "it takes [\(channels), \(size), \(size)] images, the data has \(sampleShape)")
            }
            let classifier = try FeatureClassifier(channels: channels, imageSize: size, classes: classes)
            let entries = try SafeTensors.decode(Data(shared[(8 + length)...]), file: path).entries
            do {
                try classifier.loadState(Dictionary(uniqueKeysWithValues: entries.map { ($0.name, Tensor(shape: $0.shape, scalars: $0.values)) }))
            } catch {
                throw EvaluationSetupError.classifierMismatch(path: path, reason: "\(error)")
            }
            classifier.isTraining = false
            return classifier
        }
    }
}
