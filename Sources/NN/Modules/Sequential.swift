import Autograd

/// Layers applied in order (PyTorch's `nn.Sequential`): child i's tensors are
/// named "i.<name>", and children without parameters still take an index.
public final class Sequential: Module {
    public let layers: [any Module]
    /// Per-sample shape every input is viewed as before the first layer (so a critic
    /// accepts flat [N, C·H·W] rows as well as [N, C, H, W] images); nil leaves inputs as they are.
    public let inputShape: [Int]?

    public var isTraining: Bool = true {
        didSet { for layer in layers { layer.isTraining = isTraining } }
    }

    public init(_ layers: [any Module], inputShape: [Int]? = nil) {
        self.layers = layers
        self.inputShape = inputShape
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        var x = input
        if let inputShape { x = x.reshaped([-1] + inputShape) }
        for layer in layers { x = layer(x) }
        return x
    }

    public var children: [any Module] { layers }

    public var namedParameters: [(name: String, tensor: Tensor)] {
        prefixed { $0.namedParameters }
    }

    public var namedBuffers: [(name: String, tensor: Tensor)] {
        prefixed { $0.namedBuffers }
    }

    /// Child by child, each child's own state order (PyTorch's `state_dict()` order).
    public func stateDictionary() -> [(name: String, tensor: Tensor)] {
        prefixed { $0.stateDictionary() }
    }

    private func prefixed(_ list: (any Module) -> [(name: String, tensor: Tensor)]) -> [(name: String, tensor: Tensor)] {
        layers.enumerated().flatMap { index, layer in
            list(layer).map { (name: "\(index).\($0.name)", tensor: $0.tensor) }
        }
    }
}
