import Foundation

/// state.json: where a checkpoint stands in the run, and a checksum of each file beside it.
public struct TrainingState: Codable, Equatable, Sendable {
    public static let currentFormat = "tandem-checkpoint/1"

    public var format: String = TrainingState.currentFormat
    /// Iterations (generator iterations for adversarial methods) completed.
    public var step: Int
    /// Critic updates completed (kept for readers of earlier checkpoints; `phaseSteps` has every phase's count).
    public var criticStep: Int
    /// Updates made by each phase; nil in checkpoints written before phases were named
    /// (then: "critic" = criticStep, "generator" = step).
    public var phaseSteps: [String: Int]?
    /// Global batches of real data drawn: the sampler's position; nil in earlier checkpoints (= criticStep).
    public var dataStep: Int?
    /// The method that wrote it; nil in earlier checkpoints (adversarial).
    public var method: String?
    public var seed: UInt64
    /// Ranks of the run that wrote the checkpoint (a resume may use another number).
    public var worldSize: Int
    public var globalBatch: Int
    /// Shape of one data sample, so a generator can be rebuilt without loading the data.
    public var sampleShape: [Int]
    /// File name -> SHA-256 hex digest.
    public var files: [String: String]

    public init(
        step: Int, phaseSteps: [String: Int], dataStep: Int, method: String, seed: UInt64, worldSize: Int, globalBatch: Int,
        sampleShape: [Int], files: [String: String] = [:]
    ) {
        self.step = step
        criticStep = phaseSteps["critic"] ?? 0
        self.phaseSteps = phaseSteps
        self.dataStep = dataStep
        self.method = method
        self.seed = seed
        self.worldSize = worldSize
        self.globalBatch = globalBatch
        self.sampleShape = sampleShape
        self.files = files
    }

    /// Every phase's update count, filled in for earlier checkpoints.
    public var resolvedPhaseSteps: [String: Int] { phaseSteps ?? ["critic": criticStep, "generator": step] }
    /// The sampler's position, filled in for earlier checkpoints.
    public var resolvedDataStep: Int { dataStep ?? criticStep }

    enum CodingKeys: String, CodingKey {
        case format, step, seed, files, method
        case criticStep = "critic_step"
        case phaseSteps = "phase_steps"
        case dataStep = "data_step"
        case worldSize = "world_size"
        case globalBatch = "global_batch"
        case sampleShape = "sample_shape"
    }
}
