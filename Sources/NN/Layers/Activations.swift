import Autograd

/// max(x, 0) (PyTorch's `nn.ReLU`).
public final class ReLU: ParameterlessModule {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ input: Tensor) -> Tensor { input.relu() }
}

/// x for x > 0, slope·x otherwise (PyTorch's `nn.LeakyReLU`; default slope 0.01,
/// the WGAN-GP critics use 0.2).
public final class LeakyReLU: ParameterlessModule {
    public let slope: Float
    public var isTraining = true
    public init(slope: Float = 0.01) { self.slope = slope }
    public func callAsFunction(_ input: Tensor) -> Tensor { input.leakyReLU(slope: slope) }
}

/// The hyperbolic tangent (PyTorch's `nn.Tanh`).
public final class Tanh: ParameterlessModule {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ input: Tensor) -> Tensor { input.tanh() }
}

/// 1 / (1 + e^(−x)) (PyTorch's `nn.Sigmoid`).
public final class Sigmoid: ParameterlessModule {
    public var isTraining = true
    public init() {}
    public func callAsFunction(_ input: Tensor) -> Tensor { input.sigmoid() }
}

/// x for x > 0, alpha·(eˣ − 1) otherwise (PyTorch's `nn.ELU`; default alpha 1).
public final class ELU: ParameterlessModule {
    public let alpha: Float
    public var isTraining = true
    public init(alpha: Float = 1) { self.alpha = alpha }
    public func callAsFunction(_ input: Tensor) -> Tensor { input.elu(alpha: alpha) }
}
