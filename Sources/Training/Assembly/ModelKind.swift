/// The generator/critic architecture (`model.kind`).
public enum ModelKind: String, CaseIterable, Sendable {
    /// WGAN-GP's toy networks: three hidden layers of `width`, on flattened samples.
    case mlp
    /// WGAN-GP's MNIST/CIFAR-10 convolutional networks (28 or 32 px).
    case dcgan

    /// Hidden width (mlp) or base channel count DIM (dcgan) when `model.width` is null.
    public var defaultWidth: Int { self == .mlp ? 512 : 64 }
    /// Latent dimension when `model.z_dim` is null.
    public var defaultLatentDimension: Int { self == .mlp ? 2 : 128 }
}
