import Autograd

/// Batch normalization over the feature axis 1: PyTorch's `nn.BatchNorm1d` for
/// [N, C] (or [N, C, L]) inputs, `nn.BatchNorm2d` for [N, C, H, W] when `spatial`.
///
/// Training normalizes with the batch's mean and biased variance and updates the
/// running statistics with momentum, storing the unbiased variance (n/(n−1)) as
/// PyTorch does; evaluation normalizes with the running statistics. The affine
/// weight starts at 1 and the bias at 0.
public final class BatchNorm: Module {
    public let features: Int
    public let spatial: Bool
    public let momentum: Float
    public let eps: Float
    public let weight: Tensor
    public let bias: Tensor
    public let runningMean: Tensor
    public let runningVariance: Tensor
    /// Training batches seen (PyTorch's `num_batches_tracked`, an int64 there, a float here).
    public let batchesTracked: Tensor
    public var isTraining = true

    /// Synchronized batch normalization: when set (to a differentiable allreduce-sum
    /// across ranks), the per-channel statistics [count; sum; sum of squares], one
    /// [3, C] tensor, pass through it, so every rank normalizes with the global batch's
    /// mean and variance (PyTorch's `SyncBatchNorm`).
    public var crossReplicaSum: ((Tensor) -> Tensor)?

    public init(features: Int, spatial: Bool = false, momentum: Float = 0.1, eps: Float = 1e-5) {
        self.features = features
        self.spatial = spatial
        self.momentum = momentum
        self.eps = eps
        weight = Tensor.ones([features]).requiringGrad()
        bias = Tensor.zeros([features]).requiringGrad()
        runningMean = Tensor.zeros([features])
        runningVariance = Tensor.ones([features])
        batchesTracked = Tensor.zeros([])
    }

    public var namedParameters: NamedTensors {
        [(name: "weight", tensor: weight), (name: "bias", tensor: bias)]
    }

    public var namedBuffers: NamedTensors {
        [
            (name: "running_mean", tensor: runningMean), (name: "running_var", tensor: runningVariance),
            (name: "num_batches_tracked", tensor: batchesTracked),
        ]
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        let expectedRank = spatial ? "4" : "2 or 3"
        precondition(
            (spatial ? input.rank == 4 : (input.rank == 2 || input.rank == 3)) && input.shape[1] == features,
            "BatchNorm: input \(input.shape) should have rank \(expectedRank) and \(features) features on axis 1")
        let statisticsShape = [1, features] + Array(repeating: 1, count: input.rank - 2)
        let scale = weight.reshaped(statisticsShape)
        let shift = bias.reshaped(statisticsShape)
        guard isTraining else {
            let mean = runningMean.reshaped(statisticsShape)
            let standardDeviation = (runningVariance.reshaped(statisticsShape) + eps).sqrt()
            return (input - mean) * (scale / standardDeviation) + shift
        }
        let statistics = batchStatistics(input, statisticsShape)
        updateRunningStatistics(statistics)
        let centered = input - statistics.mean
        return centered / (statistics.variance + eps).sqrt() * scale + shift
    }

    private struct BatchStatistics {
        var mean: Tensor
        /// Biased (divided by n).
        var variance: Tensor
        var count: Int
    }

    /// Mean and biased variance per channel, over this rank's batch or, with
    /// `crossReplicaSum`, over every rank's batch.
    private func batchStatistics(_ input: Tensor, _ statisticsShape: [Int]) -> BatchStatistics {
        let axes = [0] + Array(2..<input.rank)
        let localCount = input.count / features
        guard let crossReplicaSum else {
            let mean = input.mean(axes: axes, keepDims: true)
            let variance = (input - mean).square().mean(axes: axes, keepDims: true)
            return BatchStatistics(mean: mean, variance: variance, count: localCount)
        }
        let local = concat(
            [
                Tensor(repeating: Float(localCount), shape: [1, features]),
                input.sum(axes: axes).reshaped([1, features]),
                input.square().sum(axes: axes).reshaped([1, features]),
            ], axis: 0)
        let global = crossReplicaSum(local)
        precondition(
            global.shape == [3, features], "BatchNorm: crossReplicaSum returned shape \(global.shape), expected \(local.shape)")
        let count = Int(global.slice(axis: 0, 0..<1).scalars[0].rounded())
        let inverseCount = 1 / Float(Swift.max(count, 1))
        let mean = global.slice(axis: 0, 1..<2) * inverseCount
        let meanOfSquares = global.slice(axis: 0, 2..<3) * inverseCount
        // E[x²] − E[x]² can dip below zero by rounding; clamp so the square root stays real.
        let variance = (meanOfSquares - mean.square()).clamped(to: 0, .greatestFiniteMagnitude)
        return BatchStatistics(
            mean: mean.reshaped(statisticsShape), variance: variance.reshaped(statisticsShape), count: count)
    }

    /// running ← (1 − momentum)·running + momentum·batch, with the unbiased variance
    /// (a batch of one sample contributes its biased variance, 0, instead of dividing by zero).
    private func updateRunningStatistics(_ statistics: BatchStatistics) {
        let n = statistics.count
        let correction: Float = n > 1 ? Float(n) / Float(n - 1) : 1
        let mean = statistics.mean.scalars
        let variance = statistics.variance.scalars
        let m = momentum
        runningMean.withMutableScalars { running in
            for c in 0..<features { running[c] = (1 - m) * running[c] + m * mean[c] }
        }
        runningVariance.withMutableScalars { running in
            for c in 0..<features { running[c] = (1 - m) * running[c] + m * variance[c] * correction }
        }
        batchesTracked.withMutableScalars { $0[0] += 1 }
    }
}
