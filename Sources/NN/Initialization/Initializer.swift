import Autograd

/// How a layer fills a parameter when it is built. Values come from a `RandomStream`
/// keyed by the model seed and the parameter's full name ("0.weight"), so a model built
/// twice with the same seed is bitwise identical and each parameter draws its own numbers.
public enum Initializer: Sendable, Hashable {
    /// Kaiming uniform, fan_in, gain √2: U(±√(6 / fan_in)).
    case heUniform
    /// Kaiming normal, fan_in, gain √2: N(0, 2 / fan_in).
    case heNormal
    /// Xavier uniform: U(±√(6 / (fan_in + fan_out))).
    case glorotUniform
    /// PyTorch's `reset_parameters` for Linear and convolutions: kaiming_uniform with
    /// a = √5, which is U(±1/√fan_in), for weights and biases alike (fan_in of the weight).
    case pytorchDefault
    /// All zeros.
    case zeros

    /// A tensor of `shape` drawn from this distribution; `fans` are those of the layer's
    /// weight (a bias uses its weight's fans, as PyTorch does).
    public func values(shape: [Int], fans: Fans, stream: RandomStream) -> Tensor {
        let count = shape.reduce(1, *)
        let fanIn = Float(Swift.max(fans.fanIn, 1))
        let fanOut = Float(Swift.max(fans.fanOut, 1))
        switch self {
        case .zeros:
            return Tensor.zeros(shape)
        case .heNormal:
            return stream.normal(rows: 1, columns: count).reshaped(shape) * (2 / fanIn).squareRoot()
        case .heUniform:
            return symmetricUniform(shape, bound: (6 / fanIn).squareRoot(), stream)
        case .glorotUniform:
            return symmetricUniform(shape, bound: (6 / (fanIn + fanOut)).squareRoot(), stream)
        case .pytorchDefault:
            return symmetricUniform(shape, bound: 1 / fanIn.squareRoot(), stream)
        }
    }

    /// What a layer uses for its bias when none is named: PyTorch's bias rule with
    /// `.pytorchDefault`, zeros with every other weight initializer.
    public var defaultBiasInitializer: Initializer {
        self == .pytorchDefault ? .pytorchDefault : .zeros
    }

    private func symmetricUniform(_ shape: [Int], bound: Float, _ stream: RandomStream) -> Tensor {
        let unit = stream.uniform(rows: 1, columns: shape.reduce(1, *)).reshaped(shape)
        return unit * (2 * bound) - bound
    }
}

/// A weight's fan-in and fan-out, computed as PyTorch's `_calculate_fan_in_and_fan_out`:
/// fan_in = shape[1] · receptive field, fan_out = shape[0] · receptive field. For a
/// ConvTranspose2d weight [C_in, C_out, k, k] this gives fan_in = C_out·k², as in PyTorch.
public struct Fans: Sendable, Hashable {
    public let fanIn: Int
    public let fanOut: Int

    public init(fanIn: Int, fanOut: Int) {
        self.fanIn = fanIn
        self.fanOut = fanOut
    }

    /// The fans of a weight of `shape` (at least two axes).
    public init(weightShape shape: [Int]) {
        precondition(shape.count >= 2, "Fans: a weight needs at least two axes, got shape \(shape)")
        let receptiveField = shape.dropFirst(2).reduce(1, *)
        self.init(fanIn: shape[1] * receptiveField, fanOut: shape[0] * receptiveField)
    }
}
