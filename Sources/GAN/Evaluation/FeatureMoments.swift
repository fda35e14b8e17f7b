import Autograd

/// The sufficient statistics of a Gaussian fit to feature vectors: the number of
/// vectors, their sum Σx and the sum of their outer products Σxxᵀ, in Double. Moments
/// of disjoint shards add, so each rank accumulates its own features and the ranks sum
/// `flattened` (an allreduce) before `gaussian()` is read.
public struct FeatureMoments: Sendable, Equatable {
    /// Length of each feature vector.
    public let dimension: Int
    /// Number of feature vectors accumulated.
    public private(set) var count: Int64
    /// Σx, length `dimension`.
    public private(set) var sum: [Double]
    /// Σxxᵀ, row-major `dimension`×`dimension`.
    public private(set) var outerSum: [Double]

    /// No vectors yet (the identity of `+`).
    public init(dimension: Int) {
        precondition(dimension >= 1, "FeatureMoments: dimension must be at least 1, got \(dimension)")
        self.dimension = dimension
        count = 0
        sum = [Double](repeating: 0, count: dimension)
        outerSum = [Double](repeating: 0, count: dimension * dimension)
    }

    /// The moments of one shard of features, an [N, d] tensor (N may be 0).
    public init(features: Tensor) throws(EvaluationError) {
        let matrix = try SampleMatrix(features, input: "features")
        guard matrix.columns >= 1 else {
            throw .wrongShape(input: "features", found: features.shape, expected: "[N, d] with d ≥ 1")
        }
        self.init(dimension: matrix.columns)
        accumulate(matrix)
    }

    /// Adds every row of `matrix`; Σxxᵀ is filled on and above the diagonal, then mirrored.
    private mutating func accumulate(_ matrix: SampleMatrix) {
        let d = dimension
        var row = [Double](repeating: 0, count: d)
        for r in 0..<matrix.rows {
            for k in 0..<d { row[k] = Double(matrix.values[r * d + k]) }
            for i in 0..<d {
                sum[i] += row[i]
                let xi = row[i]
                for j in i..<d { outerSum[i * d + j] += xi * row[j] }
            }
        }
        for i in 0..<d { for j in 0..<i { outerSum[i * d + j] = outerSum[j * d + i] } }
        count += Int64(matrix.rows)
    }

    /// The moments of two disjoint shards together (same dimension).
    public static func + (a: FeatureMoments, b: FeatureMoments) -> FeatureMoments {
        precondition(a.dimension == b.dimension, "FeatureMoments +: dimensions \(a.dimension) and \(b.dimension)")
        var result = a
        result.count += b.count
        for i in 0..<a.sum.count { result.sum[i] += b.sum[i] }
        for i in 0..<a.outerSum.count { result.outerSum[i] += b.outerSum[i] }
        return result
    }

    /// The moments as one vector for a sum across ranks: count, then Σx, then Σxxᵀ row-major
    /// (1 + d + d² values).
    public var flattened: [Double] { [Double(count)] + sum + outerSum }

    /// Reads a vector laid out as `flattened` for features of length `dimension`.
    public init(flattened vector: [Double], dimension: Int) throws(EvaluationError) {
        guard dimension >= 1 else {
            throw .invalidParameter(name: "feature dimension", value: "\(dimension)", expected: "at least 1")
        }
        guard vector.count == 1 + dimension + dimension * dimension else {
            throw .malformedVector(
                what: "feature moments", reason: "\(vector.count) values, expected \(1 + dimension + dimension * dimension) for dimension \(dimension)")
        }
        let n = vector[0]
        guard n >= 0, n < 9_007_199_254_740_992, n == n.rounded() else {
            throw .malformedVector(what: "feature moments", reason: "count \(n) is not a whole number")
        }
        self.init(dimension: dimension)
        count = Int64(n)
        sum = Array(vector[1...dimension])
        outerSum = Array(vector[(1 + dimension)...])
    }

    /// The Gaussian fit: mean Σx/N and the unbiased covariance (Σxxᵀ − N·μμᵀ)/(N − 1).
    /// Throws with fewer than two vectors.
    public func gaussian() throws(EvaluationError) -> FittedGaussian {
        guard count >= 2 else { throw .tooFewSamples(input: "feature moments", found: Int(count), minimum: 2) }
        let n = Double(count)
        let mean = sum.map { $0 / n }
        let d = dimension
        var covariance = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0..<d { covariance[i * d + j] = (outerSum[i * d + j] - n * mean[i] * mean[j]) / (n - 1) }
        }
        return FittedGaussian(mean: mean, covariance: covariance)
    }
}

/// A multivariate Gaussian: mean μ and covariance Σ (row-major d×d, symmetric).
public struct FittedGaussian: Sendable, Equatable {
    public let mean: [Double]
    public let covariance: [Double]

    /// Number of dimensions.
    public var dimension: Int { mean.count }

    /// Checks that `covariance` is d×d for a mean of length d (a programmer error otherwise).
    public init(mean: [Double], covariance: [Double]) {
        precondition(covariance.count == mean.count * mean.count, "FittedGaussian: covariance of \(covariance.count) values for dimension \(mean.count)")
        self.mean = mean
        self.covariance = covariance
    }
}
