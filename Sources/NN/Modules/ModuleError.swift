import Autograd

/// Why a saved state could not be loaded into a module (or an average of one).
public enum ModuleError: Error, CustomStringConvertible, Equatable {
    /// The module has a tensor of this name that the state lacks.
    case missingTensor(name: String, expectedShape: [Int])
    /// The state has a tensor the module does not.
    case unexpectedTensor(name: String)
    /// Both have the tensor, with different shapes.
    case shapeMismatch(name: String, expected: [Int], found: [Int])

    init(_ mismatch: StateMismatch) {
        switch mismatch {
        case .missing(let name, let shape): self = .missingTensor(name: name, expectedShape: shape)
        case .unexpected(let name): self = .unexpectedTensor(name: name)
        case .shape(let name, let expected, let found): self = .shapeMismatch(name: name, expected: expected, found: found)
        }
    }

    /// The first way `state` differs from the `expected` tensors (a missing name, then a
    /// differing shape, then an extra name), or nil when it can be loaded strictly.
    public static func firstMismatch(expected: NamedTensors, state: [String: Tensor]) -> ModuleError? {
        StateMismatch.find(expected: expected, given: state).map(ModuleError.init)
    }

    public var description: String {
        switch self {
        case .missingTensor(let name, let shape):
            "model state lacks tensor '\(name)' (expected shape \(shape))"
        case .unexpectedTensor(let name):
            "model state has tensor '\(name)', which this model does not have"
        case .shapeMismatch(let name, let expected, let found):
            "model state tensor '\(name)' has shape \(found), expected \(expected)"
        }
    }
}
