import Data
import GAN
import NN

/// The generator and critic a configuration names, shaped for the dataset's samples.
public struct ModelFactory {
    public let config: TrainingConfiguration
    /// Shape of one data sample ([2] for points, [C, H, W] for images).
    public let sampleShape: [Int]

    public init(config: TrainingConfiguration, sampleShape: [Int]) throws {
        self.config = config
        self.sampleShape = sampleShape
        if config.model == "dcgan" {
            guard sampleShape.count == 3, [28, 32].contains(sampleShape[1]), sampleShape[1] == sampleShape[2] else {
                throw ConfigError.invalidValue(
                    origin: config.values.origin(of: "model.kind"), key: "model.kind",
                    reason: "dcgan needs 28x28 or 32x32 images, the samples of \(config.dataPath ?? config.dataset) have shape \(sampleShape)")
            }
        }
    }

    /// Values per sample: the mlp models work on flattened samples.
    public var sampleSize: Int { sampleShape.reduce(1, *) }

    public func generator() throws -> any Module {
        if config.model == "mlp" {
            return try ModelBuilders.mlpGenerator(latentDimension: config.latentDimension, width: config.width, outputDimension: sampleSize, seed: config.seed)
        }
        return try ModelBuilders.dcganGenerator(
            latentDimension: config.latentDimension, dim: config.width, channels: sampleShape[0], imageSize: sampleShape[1],
            batchNorm: config.batchNorm, seed: config.seed)
    }

    public func critic() throws -> any Module {
        if config.model == "mlp" {
            return try ModelBuilders.mlpCritic(inputDimension: sampleSize, width: config.width, spectralNorm: config.spectralNorm, seed: config.seed &+ 1)
        }
        return try ModelBuilders.dcganCritic(
            channels: sampleShape[0], dim: config.width, imageSize: sampleShape[1], spectralNorm: config.spectralNorm, seed: config.seed &+ 1)
    }
}
