/// Why an evaluation metric could not be computed from the inputs it was given.
/// Each description is one line naming the input and what was expected.
public enum EvaluationError: Error, CustomStringConvertible, Equatable {
    /// An input array has a shape the metric cannot use.
    case wrongShape(input: String, found: [Int], expected: String)
    /// Too few samples for the estimator (unbiased terms need at least two).
    case tooFewSamples(input: String, found: Int, minimum: Int)
    /// Two inputs that must agree in size (feature dimension, number of modes or classes) do not.
    case sizeMismatch(what: String, first: Int, second: Int)
    /// A parameter outside the range the metric accepts.
    case invalidParameter(name: String, value: String, expected: String)
    /// A flat vector (for example one summed across ranks) that does not encode the expected statistics.
    case malformedVector(what: String, reason: String)

    public var description: String {
        switch self {
        case let .wrongShape(input, found, expected):
            return "\(input): shape \(found), expected \(expected)"
        case let .tooFewSamples(input, found, minimum):
            return "\(input): \(found) samples, expected at least \(minimum)"
        case let .sizeMismatch(what, first, second):
            return "\(what) differ: \(first) and \(second), expected equal"
        case let .invalidParameter(name, value, expected):
            return "\(name) is \(value), expected \(expected)"
        case let .malformedVector(what, reason):
            return "\(what): \(reason)"
        }
    }
}
