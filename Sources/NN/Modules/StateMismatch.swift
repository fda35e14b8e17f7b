import Autograd

/// The first way a saved state differs from the tensors it should fill; shared by
/// the strict loaders of modules, optimizers and averages.
enum StateMismatch: Equatable {
    case missing(name: String, expectedShape: [Int])
    case unexpected(name: String)
    case shape(name: String, expected: [Int], found: [Int])

    /// Compares names and shapes, reporting the first missing tensor, then the first
    /// shape that differs, then the first extra name (extra names sorted, for a stable message).
    static func find(expected: NamedTensors, given: [String: Tensor]) -> StateMismatch? {
        for (name, tensor) in expected where given[name] == nil {
            return .missing(name: name, expectedShape: tensor.shape)
        }
        for (name, tensor) in expected {
            if let found = given[name], found.shape != tensor.shape {
                return .shape(name: name, expected: tensor.shape, found: found.shape)
            }
        }
        let known = Set(expected.map(\.name))
        if let extra = given.keys.filter({ !known.contains($0) }).sorted().first {
            return .unexpected(name: extra)
        }
        return nil
    }
}
