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
    /// across ranks), the per-channel sums of both passes of the statistics go through it
    /// (first [count; sum], a [2, C] tensor; then the sum of squared deviations from the
    /// global mean, [1, C]), so every rank normalizes with the global batch's mean and
    /// variance (PyTorch's `SyncBatchNorm`).
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
        return statistics.centered / (statistics.variance + eps).sqrt() * scale + shift
    }

    private struct BatchStatistics {
        var mean: Tensor
        /// Biased (divided by n).
        var variance: Tensor
        var count: Int
        /// The input minus the mean.
        var centered: Tensor
    }

    /// Mean and biased variance per channel over this rank's batch or, with
    /// `crossReplicaSum`, over every rank's batch, in two passes: the mean from the summed
    /// counts and sums, then the variance from the summed squared deviations from that mean.
    /// (E[x²] − E[x]² would cancel to noise in float32 for values far from zero.) One rank
    /// runs the same formula with an identity sum, so any number of ranks computes alike;
    /// both passes are differentiable ops, to any order.
    private func batchStatistics(_ input: Tensor, _ statisticsShape: [Int]) -> BatchStatistics {
        let axes = [0] + Array(2..<input.rank)
        let sumOverRanks = crossReplicaSum ?? { $0 }
        let totals = sumOverRanks(
            concat([Tensor(repeating: Float(input.count / features), shape: [1, features]), input.sum(axes: axes).reshaped([1, features])], axis: 0))
        precondition(totals.shape == [2, features], "BatchNorm: crossReplicaSum returned shape \(totals.shape), expected [2, \(features)]")
        let count = Int(totals.slice(axis: 0, 0..<1).scalars[0].rounded())
        let inverseCount = 1 / Float(Swift.max(count, 1))
        let mean = (totals.slice(axis: 0, 1..<2) * inverseCount).reshaped(statisticsShape)
        let centered = input - mean
        let squares = sumOverRanks(centered.square().sum(axes: axes).reshaped([1, features]))
        let variance = (squares * inverseCount).reshaped(statisticsShape)
        return BatchStatistics(mean: mean, variance: variance, count: count, centered: centered)
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
