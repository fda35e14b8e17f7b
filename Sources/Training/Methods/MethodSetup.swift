import Data
import MPI

/// What a method is built from on one rank.
public struct MethodSetup {
    public let config: TrainingConfiguration
    /// Shape of one data sample.
    public let sampleShape: [Int]
    public let comm: any Communicator
    /// The training data, when loaded (sampling and evaluating a finished run may not load it).
    public let dataset: (any Dataset)?

    public init(config: TrainingConfiguration, sampleShape: [Int], comm: any Communicator, dataset: (any Dataset)?) {
        self.config = config
        self.sampleShape = sampleShape
        self.comm = comm
        self.dataset = dataset
    }

    /// The models the configuration names, shaped for the data.
    public func models() throws -> ModelFactory {
        try ModelFactory(config: config, sampleShape: sampleShape)
    }
}
