import Autograd

/// Layers applied in order (PyTorch's `nn.Sequential`): child i's tensors are
/// named "i.<name>", and children without parameters still take an index.
public final class Sequential: Module {
    public let layers: [any Module]
    /// Per-sample shape every input is viewed as before the first layer (so a critic
    /// accepts flat [N, C·H·W] rows as well as [N, C, H, W] images); nil leaves inputs as they are.
    public let inputShape: [Int]?
    /// Per-sample shape every output is viewed as after the last layer; nil leaves outputs as they are.
    public let outputShape: [Int]?

    public var isTraining: Bool = true {
        didSet { for layer in layers { layer.isTraining = isTraining } }
    }

    public init(_ layers: [any Module], inputShape: [Int]? = nil, outputShape: [Int]? = nil) {
        self.layers = layers
        self.inputShape = inputShape
        self.outputShape = outputShape
    }

    /// The same layers (sharing their tensors), viewing every input as [N] + `shape` first:
    /// an MLP then takes images as well as flat rows.
    public func reshapingInput(to shape: [Int]) -> Sequential {
        Sequential(layers, inputShape: shape, outputShape: outputShape)
    }

    /// The same layers (sharing their tensors), viewing every output as [N] + `shape`:
    /// an MLP generator then yields samples in the data's shape.
    public func reshapingOutput(to shape: [Int]) -> Sequential {
        Sequential(layers, inputShape: inputShape, outputShape: shape)
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        var x = input
        if let inputShape { x = x.reshaped([-1] + inputShape) }
        for layer in layers { x = layer(x) }
        if let outputShape { x = x.reshaped([-1] + outputShape) }
        return x
    }

    public var children: [any Module] { layers }

    public var namedParameters: NamedTensors {
        prefixed { $0.namedParameters }
    }

    public var namedBuffers: NamedTensors {
        prefixed { $0.namedBuffers }
    }

    /// Child by child, each child's own state order (PyTorch's `state_dict()` order).
    public func stateDictionary() -> NamedTensors {
        prefixed { $0.stateDictionary() }
    }

    private func prefixed(_ list: (any Module) -> NamedTensors) -> NamedTensors {
        NamedTensors(layers.enumerated().flatMap { index, layer in list(layer).prefixed("\(index).") })
    }
}
