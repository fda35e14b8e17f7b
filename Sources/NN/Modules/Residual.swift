import Autograd

/// A residual connection: y = residual(x) + shortcut(x), with the identity when there is
/// no shortcut module (the blocks of ResNet generators and critics). State names are those
/// of this PyTorch module, "residual.<i>.<name>" then "shortcut.<i>.<name>":
///
///     class Residual(nn.Module):
///         def __init__(self, residual, shortcut=None):
///             super().__init__()
///             self.residual, self.shortcut = residual, shortcut
///         def forward(self, x):
///             return self.residual(x) + (x if self.shortcut is None else self.shortcut(x))
public final class Residual: Module {
    public let residual: Sequential
    public let shortcut: Sequential?

    public var isTraining: Bool = true {
        didSet {
            residual.isTraining = isTraining
            shortcut?.isTraining = isTraining
        }
    }

    public init(residual: Sequential, shortcut: Sequential? = nil) {
        self.residual = residual
        self.shortcut = shortcut
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        residual(input) + (shortcut.map { $0(input) } ?? input)
    }

    public var children: [any Module] { [residual] + (shortcut.map { [$0] } ?? []) }

    public var namedParameters: NamedTensors { named { $0.namedParameters } }
    public var namedBuffers: NamedTensors { named { $0.namedBuffers } }
    public func stateDictionary() -> NamedTensors { named { $0.stateDictionary() } }

    private func named(_ list: (Sequential) -> NamedTensors) -> NamedTensors {
        let parts = [("residual", residual)] + (shortcut.map { [("shortcut", $0)] } ?? [])
        return NamedTensors(parts.flatMap { prefix, module in list(module).prefixed("\(prefix).") })
    }
}
