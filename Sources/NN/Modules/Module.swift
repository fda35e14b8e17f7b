import Autograd

/// A network layer or a composition of layers, with an explicit, ordered list of
/// its trainable parameters and saved state, named as PyTorch names them in the
/// equivalent module, so checkpoints load with `load_state_dict(strict=True)`.
public protocol Module: AnyObject {
    /// Applies the module to a batch.
    func callAsFunction(_ input: Tensor) -> Tensor
    /// Trainable leaves (they require gradients), in PyTorch's `named_parameters()` order.
    var namedParameters: NamedTensors { get }
    /// Non-trainable state saved with the model (running statistics, power-iteration
    /// vectors), in PyTorch's `named_buffers()` order.
    var namedBuffers: NamedTensors { get }
    /// Training mode (true, PyTorch's default) or evaluation mode; containers pass it on to their children.
    var isTraining: Bool { get set }
    /// Every saved tensor in PyTorch's `state_dict()` order: each module's parameters,
    /// then its buffers, then its children's. Leaf modules keep the default.
    func stateDictionary() -> NamedTensors
    /// The modules this one is made of (PyTorch's `children()`); leaf modules have none.
    var children: [any Module] { get }
}

extension Module {
    /// A leaf module has no children.
    public var children: [any Module] { [] }

    /// This module and every module inside it, depth first (PyTorch's `modules()`).
    public var descendants: [any Module] {
        [self] + children.flatMap(\.descendants)
    }

    /// A leaf module's state: its parameters, then its buffers.
    public func stateDictionary() -> NamedTensors {
        namedParameters + namedBuffers
    }

    /// The trainable tensors, in `namedParameters` order.
    public var parameters: [Tensor] { namedParameters.map(\.tensor) }

    /// Total number of trainable scalars.
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.tensor.count } }

    /// Forgets accumulated gradients (PyTorch's `zero_grad(set_to_none=True)`).
    public func zeroGradients() {
        for parameter in parameters { parameter.grad = nil }
    }

    /// Copies `state`'s values into this module's parameters and buffers, in place.
    /// Strict like PyTorch's `load_state_dict(strict=True)`: every name must be present
    /// with the same shape and no other name may appear; nothing is written unless all match.
    public func loadState(_ state: [String: Tensor]) throws(ModuleError) {
        let expected = stateDictionary()
        if let mismatch = ModuleError.firstMismatch(expected: expected, state: state) { throw mismatch }
        for (name, tensor) in expected {
            if let source = state[name] { tensor.assign(source) }
        }
    }
}
