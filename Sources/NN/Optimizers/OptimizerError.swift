/// Why a saved optimizer state could not be restored.
public enum OptimizerError: Error, CustomStringConvertible, Equatable {
    /// The optimizer needs a state tensor of this name that the saved state lacks.
    case missingState(name: String, expectedShape: [Int])
    /// The saved state has a tensor this optimizer does not keep (e.g. momentum buffers for SGD without momentum).
    case unexpectedState(name: String)
    /// Both have the tensor, with different shapes.
    case shapeMismatch(name: String, expected: [Int], found: [Int])
    /// A constructor argument outside its range (a negative learning rate, a beta of 1, ...).
    case invalidHyperparameter(name: String, value: Float, expected: String)
    /// "step" is not a whole number in 0..<2²⁴.
    case invalidStep(Float)

    init(_ mismatch: StateMismatch) {
        switch mismatch {
        case .missing(let name, let shape): self = .missingState(name: name, expectedShape: shape)
        case .unexpected(let name): self = .unexpectedState(name: name)
        case .shape(let name, let expected, let found): self = .shapeMismatch(name: name, expected: expected, found: found)
        }
    }

    public var description: String {
        switch self {
        case .missingState(let name, let shape):
            "optimizer state lacks tensor '\(name)' (expected shape \(shape))"
        case .unexpectedState(let name):
            "optimizer state has tensor '\(name)', which this optimizer does not keep"
        case .shapeMismatch(let name, let expected, let found):
            "optimizer state tensor '\(name)' has shape \(found), expected \(expected)"
        case .invalidHyperparameter(let name, let value, let expected):
            "optimizer setting '\(name)' is \(value), expected \(expected)"
        case .invalidStep(let value):
            "optimizer state 'step' is \(value), expected a whole number of steps"
        }
    }
}
