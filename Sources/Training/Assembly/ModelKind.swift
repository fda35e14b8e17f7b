/// The generator/critic architecture (`model.kind`).
public enum ModelKind: String, CaseIterable, Sendable {
    /// WGAN-GP's toy networks: three hidden layers of `width`, on flattened samples.
    case mlp
    /// WGAN-GP's MNIST/CIFAR-10 convolutional networks (28 or 32 px).
    case dcgan
    /// The DCGAN 64x64 networks (batch norm in the generator).
    case dcgan64
    /// SNGAN's CIFAR-10 ResNet (32 px).
    case resnet

    /// Image sides the model takes; nil for models of any sample shape.
    public var imageSides: [Int]? {
        switch self {
        case .mlp: nil
        case .dcgan: [28, 32]
        case .dcgan64: [64]
        case .resnet: [32]
        }
    }

    /// Hidden width (mlp), base channel count (dcgan, dcgan64) or the critic's channels (resnet) when `model.width` is null.
    public var defaultWidth: Int {
        switch self {
        case .mlp: 512
        case .dcgan, .dcgan64: 64
        case .resnet: 128
        }
    }

    /// Latent dimension when `model.z_dim` is null.
    public var defaultLatentDimension: Int { self == .mlp ? 2 : 128 }
}
