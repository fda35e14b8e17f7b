import Autograd

/// A module with no parameters and no buffers (activations, reshapes). It still
/// takes an index in a `Sequential`, as in PyTorch.
public protocol ParameterlessModule: Module {}

extension ParameterlessModule {
    public var namedParameters: NamedTensors { [] }
    public var namedBuffers: NamedTensors { [] }
}
