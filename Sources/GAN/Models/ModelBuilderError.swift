/// Why a model could not be built from the given settings (they come from configs and flags).
public enum ModelBuilderError: Error, CustomStringConvertible, Equatable {
    /// A size setting (width, dim, channels, latent dimension) that is not positive.
    case nonPositiveSize(setting: String, value: Int)
    /// A DCGAN image size other than 28 (MNIST) or 32 (CIFAR-10).
    case unsupportedImageSize(Int)
    /// A maxout network whose width is not a multiple of its maxout group size.
    case widthNotMultipleOfMaxout(width: Int, maxout: Int)

    public var description: String {
        switch self {
        case .nonPositiveSize(let setting, let value):
            "model setting '\(setting)' is \(value), expected a positive whole number"
        case .unsupportedImageSize(let size):
            "model setting 'image size' is \(size), expected 28 (MNIST) or 32 (CIFAR-10)"
        case .widthNotMultipleOfMaxout(let width, let maxout):
            "model setting 'width' is \(width), expected a multiple of the maxout group size \(maxout)"
        }
    }
}

/// Throws unless every named size is positive.
func requirePositive(_ sizes: KeyValuePairs<String, Int>) throws(ModelBuilderError) {
    for (setting, value) in sizes where value <= 0 {
        throw ModelBuilderError.nonPositiveSize(setting: setting, value: value)
    }
}
