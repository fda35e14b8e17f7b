import NN

/// How a model's weighted layers (Linear, Conv2d, ConvTranspose2d) start (`model.init`).
/// Batch norm always starts at weight 1 and bias 0; spectral norm's vectors are normal draws.
public enum ModelInitialization: String, Sendable, CaseIterable {
    /// The WGAN-GP reference's scheme (gan_toy.py's lib.ops): He-uniform weights,
    /// U(±√(6/fan_in)), in every layer but the last, which is Glorot-uniform,
    /// U(±√(6/(fan_in + fan_out))); biases zero.
    case he
    /// PyTorch's default for Linear and convolutions (kaiming_uniform with a = √5):
    /// weights and biases U(±1/√fan_in), fan_in of the weight.
    case pytorch

    /// The weight initializer of a layer (biases follow `Initializer.defaultBiasInitializer`).
    public func initializer(lastLayer: Bool) -> Initializer {
        switch self {
        case .pytorch: return .pytorchDefault
        case .he: return lastLayer ? .glorotUniform : .heUniform
        }
    }
}
