import Autograd

/// MMD GAN's adaptive learning rate (Bińkowski et al. 2018, the reference's
/// `Scorer`): at each evaluation the features of new samples are compared, against
/// fixed real features, with those of the samples saved `memoryLength` evaluations
/// earlier by the relative KID test. When the new samples are not confidently better
/// (p > 0.1) `patience` times, the learning rate is to be halved. The bookkeeping is
/// the reference's: until the memory is full new sets are only remembered; a
/// confident improvement slides the memory window and forgets the misses; a miss
/// keeps the window; a decay keeps only the newest `patience` sets.
public struct KIDLearningRateSchedule {
    public let memoryLength: Int
    public let patience: Int
    /// p-values above this count as "no improvement".
    public let threshold: Double
    /// Generated features of earlier evaluations, oldest first (at most `memoryLength`).
    public private(set) var memory: [Tensor]
    /// Tests in a row without a confident improvement.
    public private(set) var misses: Int

    /// What one evaluation decided.
    public enum Outcome: Equatable, Sendable {
        /// The memory was not full yet: the set was stored, no test ran.
        case remembered
        /// The new set is confidently closer to the data (p ≤ threshold).
        case improved(p: Double)
        /// Not confidently closer, `misses` times in a row so far.
        case missed(p: Double, misses: Int)
        /// Not confidently closer `patience` times: halve the learning rate.
        case decay(p: Double)
    }

    public init(memoryLength: Int = 10, patience: Int = 3, threshold: Double = 0.1, memory: [Tensor] = [], misses: Int = 0) {
        self.memoryLength = memoryLength
        self.patience = patience
        self.threshold = threshold
        self.memory = memory
        self.misses = misses
    }

    /// Records the features `generated` [m, d] of this evaluation's samples against the
    /// fixed real features `real` [m, d].
    public mutating func record(real: Tensor, generated: Tensor) throws(EvaluationError) -> Outcome {
        guard memory.count >= memoryLength else {
            memory.append(generated)
            return .remembered
        }
        let newer = try KIDSums(real: real, generated: generated)
        let older = try KIDSums(real: real, generated: memory[0])
        let p = KIDThreeSampleTest.pValue(KIDThreeSampleTest.compare(newer: newer, older: older).statistic)
        guard p > threshold else {
            memory = Array(memory.dropFirst()) + [generated]
            misses = 0
            return .improved(p: p)
        }
        misses += 1
        guard misses >= patience else { return .missed(p: p, misses: misses) }
        memory = Array((memory + [generated]).suffix(patience))
        misses = 0
        return .decay(p: p)
    }
}
