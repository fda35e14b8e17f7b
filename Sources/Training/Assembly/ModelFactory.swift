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
        if let sides = config.model.imageSides {
            guard sampleShape.count == 3, sides.contains(sampleShape[1]), sampleShape[1] == sampleShape[2] else {
                let hint = config.dataset == .folder ? " (set data.resolution to \(sides[0]))" : ""
                throw ConfigError.invalidValue(
                    origin: config.values.origin(of: "model.kind"), key: "model.kind",
                    reason: "\(config.model.rawValue) needs \(sides.map { "\($0)x\($0)" }.joined(separator: " or ")) images, the data's samples have shape \(sampleShape)\(hint)")
            }
        }
    }

    /// Values per sample: the mlp models work on flattened samples.
    public var sampleSize: Int { sampleShape.reduce(1, *) }

    /// The generator: latents [N, z_dim] to samples [N] + sampleShape.
    public func generator() throws -> any Module {
        let (z, width, initialization, seed) = (config.latentDimension, config.width, config.initialization, config.seed)
        switch config.model {
        case .mlp:
            return try ModelBuilders.mlpGenerator(latentDimension: z, width: width, outputDimension: sampleSize, initialization: initialization, seed: seed)
                .reshapingOutput(to: sampleShape)
        case .dcgan64:
            return try ModelBuilders.dcgan64Generator(latentDimension: z, dim: width, channels: sampleShape[0], initialization: initialization, seed: seed)
        case .resnet:
            return try ModelBuilders.resnetGenerator(latentDimension: z, width: 2 * width, channels: sampleShape[0], initialization: initialization, seed: seed)
        case .dcgan:
            return try ModelBuilders.dcganGenerator(
                latentDimension: z, dim: width, channels: sampleShape[0], imageSize: sampleShape[1], batchNorm: config.batchNorm,
                initialization: initialization, seed: seed)
        }
    }

    /// The critic: samples [N] + sampleShape to [N, 1].
    public func critic() throws -> any Module {
        try critic(outputs: 1)
    }

    /// The critic with `outputs` outputs: features, for a method that compares samples in a
    /// critic's feature space (mlp and dcgan only; the dcgan64 and resnet critics give one score).
    public func critic(outputs: Int) throws -> any Module {
        let (width, spectralNorm, initialization, seed) = (config.width, config.spectralNorm, config.initialization, config.seed &+ 1)
        switch config.model {
        case .mlp:
            return try ModelBuilders.mlpCritic(
                inputDimension: sampleSize, width: width, outputs: outputs, spectralNorm: spectralNorm, initialization: initialization, seed: seed)
                .reshapingInput(to: [sampleSize])
        case .dcgan64:
            return try ModelBuilders.dcgan64Critic(channels: sampleShape[0], dim: width, spectralNorm: spectralNorm, initialization: initialization, seed: seed)
        case .resnet:
            return try ModelBuilders.resnetCritic(channels: sampleShape[0], width: width, spectralNorm: spectralNorm, initialization: initialization, seed: seed)
        case .dcgan:
            return try ModelBuilders.dcganCritic(
                channels: sampleShape[0], dim: width, imageSize: sampleShape[1], outputs: outputs, spectralNorm: spectralNorm,
                initialization: initialization, seed: seed)
        }
    }
}
