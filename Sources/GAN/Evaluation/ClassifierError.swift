/// Why the feature classifier could not be built, trained or applied as asked.
/// Each description is one line naming the input and what was expected.
public enum ClassifierError: Error, CustomStringConvertible, Equatable {
    /// An architecture setting the classifier cannot be built with.
    case invalidArchitecture(setting: String, value: Int, expected: String)
    /// Images whose shape does not match the classifier's input.
    case wrongImageShape(found: [Int], expected: String)
    /// A different number of labels than images.
    case labelCountMismatch(images: Int, labels: Int)
    /// A label outside 0..<classes.
    case labelOutOfRange(index: Int, label: Int, classes: Int)
    /// A training setting outside its range.
    case invalidTrainingSetting(name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .invalidArchitecture(setting, value, expected):
            return "classifier \(setting) is \(value), expected \(expected)"
        case let .wrongImageShape(found, expected):
            return "classifier input has shape \(found), expected \(expected)"
        case let .labelCountMismatch(images, labels):
            return "\(labels) labels for \(images) images, expected one label per image"
        case let .labelOutOfRange(index, label, classes):
            return "label \(label) of sample \(index) is outside 0...\(classes - 1)"
        case let .invalidTrainingSetting(name, value, expected):
            return "classifier \(name) is \(value), expected \(expected)"
        }
    }
}
