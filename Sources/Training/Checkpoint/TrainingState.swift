import Foundation

/// state.json: where a checkpoint stands in the run, and a checksum of each file beside it.
public struct TrainingState: Codable, Equatable, Sendable {
    public static let currentFormat = "tandem-checkpoint/1"

    public var format: String = TrainingState.currentFormat
    /// Generator iterations completed.
    public var step: Int
    /// Critic updates completed: the sampler's position (it is a pure function of this count).
    public var criticStep: Int
    public var seed: UInt64
    /// Ranks of the run that wrote the checkpoint (a resume may use another number).
    public var worldSize: Int
    public var globalBatch: Int
    /// Shape of one data sample, so a generator can be rebuilt without loading the data.
    public var sampleShape: [Int]
    /// File name -> SHA-256 hex digest.
    public var files: [String: String]

    public init(
        step: Int, criticStep: Int, seed: UInt64, worldSize: Int, globalBatch: Int, sampleShape: [Int], files: [String: String] = [:]
    ) {
        self.step = step
        self.criticStep = criticStep
        self.seed = seed
        self.worldSize = worldSize
        self.globalBatch = globalBatch
        self.sampleShape = sampleShape
        self.files = files
    }

    enum CodingKeys: String, CodingKey {
        case format, step, seed, files
        case criticStep = "critic_step"
        case worldSize = "world_size"
        case globalBatch = "global_batch"
        case sampleShape = "sample_shape"
    }
}
