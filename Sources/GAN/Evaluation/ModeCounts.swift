#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Autograd

/// The sufficient statistics of the toy mode metrics: per mode, how many high-quality
/// samples have it as their nearest mode, and how many samples were judged in all.
/// Counts of disjoint shards add, so each rank counts its own samples and the ranks
/// sum `flattened` (an allreduce) before `metrics` is read.
///
/// A sample is high quality when its Euclidean distance to the nearest mode centre is
/// at most `highQualityRadius` standard deviations (3 in VEEGAN and PacGAN).
public struct ModeCounts: Sendable, Equatable {
    /// High-quality samples per mode, in the order of `MixtureModes.centres`.
    public let highQualityPerMode: [Int64]
    /// Samples judged, high quality or not.
    public let totalSamples: Int64

    /// Number of modes counted.
    public var modeCount: Int { highQualityPerMode.count }
    /// Samples within the quality radius of their nearest mode.
    public var highQualitySamples: Int64 { highQualityPerMode.reduce(0, +) }

    /// Counts given directly; throws for negative counts or more high-quality samples than samples.
    public init(highQualityPerMode: [Int64], totalSamples: Int64) throws(EvaluationError) {
        guard !highQualityPerMode.isEmpty else {
            throw .invalidParameter(name: "mode count", value: "0", expected: "at least one mode")
        }
        guard highQualityPerMode.allSatisfy({ $0 >= 0 }), totalSamples >= 0 else {
            throw .malformedVector(what: "mode counts", reason: "negative count in \(highQualityPerMode) / \(totalSamples)")
        }
        let highQuality = highQualityPerMode.reduce(0, +)
        guard highQuality <= totalSamples else {
            throw .malformedVector(
                what: "mode counts", reason: "\(highQuality) high-quality samples exceed the \(totalSamples) samples")
        }
        self.highQualityPerMode = highQualityPerMode
        self.totalSamples = totalSamples
    }

    /// No samples yet, for `modeCount` modes (the identity of `+`).
    public static func zero(modeCount: Int) -> ModeCounts {
        precondition(modeCount >= 1, "ModeCounts.zero: modeCount must be at least 1, got \(modeCount)")
        return ModeCounts(unchecked: [Int64](repeating: 0, count: modeCount), total: 0)
    }

    /// Counts one shard of generated samples, an [N, D] tensor with D = `modes.dimension`.
    /// `highQualityRadius` is in units of the modes' standard deviation (default 3).
    public init(samples: Tensor, modes: MixtureModes, highQualityRadius: Double = 3) throws(EvaluationError) {
        let matrix = try SampleMatrix(samples, input: "generated samples")
        guard matrix.columns == modes.dimension else {
            throw .sizeMismatch(what: "coordinates of generated samples and of mixture modes", first: matrix.columns, second: modes.dimension)
        }
        guard highQualityRadius > 0, highQualityRadius.isFinite else {
            throw .invalidParameter(name: "high-quality radius", value: "\(highQualityRadius)", expected: "a positive number of standard deviations")
        }
        let radius = highQualityRadius * modes.std
        var perMode = [Int64](repeating: 0, count: modes.count)
        for row in 0..<matrix.rows {
            let point = matrix.values[(row * matrix.columns)..<((row + 1) * matrix.columns)]
            let (mode, distance) = modes.nearest(to: point)
            if distance <= radius { perMode[mode] += 1 }
        }
        self.init(unchecked: perMode, total: Int64(matrix.rows))
    }

    private init(unchecked perMode: [Int64], total: Int64) {
        highQualityPerMode = perMode
        totalSamples = total
    }

    /// The counts of two disjoint shards together (same modes).
    public static func + (a: ModeCounts, b: ModeCounts) -> ModeCounts {
        precondition(a.modeCount == b.modeCount, "ModeCounts +: \(a.modeCount) and \(b.modeCount) modes")
        return ModeCounts(
            unchecked: zip(a.highQualityPerMode, b.highQualityPerMode).map { $0 + $1 }, total: a.totalSamples + b.totalSamples)
    }

    /// The counts as one vector for a sum across ranks: per-mode high-quality counts, then the total.
    public var flattened: [Int64] { highQualityPerMode + [totalSamples] }

    /// `flattened` as Double (exact below 2⁵³), for reductions that only carry floating point.
    public var flattenedAsDouble: [Double] { flattened.map(Double.init) }

    /// Reads a vector laid out as `flattened` (length = modes + 1).
    public init(flattened vector: [Int64]) throws(EvaluationError) {
        guard vector.count >= 2 else {
            throw .malformedVector(what: "mode counts", reason: "\(vector.count) values, expected modes + 1 (at least 2)")
        }
        try self.init(highQualityPerMode: Array(vector.dropLast()), totalSamples: vector[vector.count - 1])
    }

    /// Reads a vector laid out as `flattenedAsDouble`; every value must be a whole number in 0..<2⁵³.
    public init(flattened vector: [Double]) throws(EvaluationError) {
        var counts = [Int64]()
        counts.reserveCapacity(vector.count)
        for value in vector {
            guard value >= 0, value < 9_007_199_254_740_992, value == value.rounded() else {
                throw .malformedVector(what: "mode counts", reason: "value \(value) is not a whole count")
            }
            counts.append(Int64(value))
        }
        try self.init(flattened: counts)
    }

    /// The metrics of everything counted. A mode is covered when at least
    /// `minimumSamplesPerMode` high-quality samples have it as their nearest mode
    /// (default 1, as VEEGAN and PacGAN count; raise it to ignore stray samples; values
    /// below 1 count as 1, since a mode without samples is never covered).
    public func metrics(minimumSamplesPerMode: Int = 1) -> ToyModeMetrics {
        let threshold = Int64(Swift.max(minimumSamplesPerMode, 1))
        let highQuality = highQualitySamples
        let kl = frequencies(highQualityPerMode).map {
            klDivergence($0, from: [Double](repeating: 1 / Double(modeCount), count: modeCount))
        } ?? log(Double(modeCount))
        return ToyModeMetrics(
            modesCovered: highQualityPerMode.filter { $0 >= threshold }.count,
            modeCount: modeCount,
            highQualityShare: totalSamples > 0 ? Double(highQuality) / Double(totalSamples) : 0,
            klFromUniform: kl,
            highQualitySamples: highQuality,
            totalSamples: totalSamples)
    }
}
