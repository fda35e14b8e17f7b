/// A data file or directory that cannot be used as asked. Every description is
/// one line naming the file, where in it the problem sits, and what was expected.
public enum DataError: Error, CustomStringConvertible, Equatable {
    /// A file the loader needs does not exist; `expected` says what should be there.
    case missingFile(path: String, expected: String)
    /// A dataset directory does not exist (or is a file).
    case missingDirectory(path: String, expected: String)
    /// The file exists but could not be read or written.
    case ioFailed(path: String, reason: String)
    /// The leading bytes do not name the expected format.
    case wrongMagic(path: String, offset: Int, found: String, expected: String)
    /// The file ends before `part` is complete.
    case truncated(path: String, part: String, offset: Int, expectedBytes: Int, foundBytes: Int)
    /// The file holds more bytes than its header declares.
    case trailingBytes(path: String, offset: Int, expectedBytes: Int, foundBytes: Int)
    /// The declared array shape is not one this dataset can use.
    case wrongDimensions(path: String, found: [Int], expected: String)
    /// The file (or the array in it) holds no samples.
    case empty(path: String, what: String)
    /// An images file and its labels file disagree on the number of samples.
    case countMismatch(imagesPath: String, images: Int, labelsPath: String, labels: Int)
    /// An element type this reader does not convert.
    case unsupportedDType(path: String, found: String, expected: String)
    /// A memory layout this reader does not convert (e.g. Fortran order).
    case unsupportedLayout(path: String, found: String, expected: String)
    /// A header that cannot be parsed.
    case malformedHeader(path: String, offset: Int, reason: String)
    /// A gzip stream that zlib refuses, or that ends early.
    case badGzip(path: String, reason: String)
    /// A class label outside the range the format allows.
    case invalidLabel(path: String, offset: Int, value: Int, expected: ClosedRange<Int>)
    /// A toy distribution name that is not one of the known mixtures.
    case unknownToyMixture(name: String, known: [String])
    /// A folder of images where more than half of the files (or all) could not be decoded.
    case mostlyUndecodable(path: String, failed: Int, total: Int, example: String)

    public var description: String {
        switch self {
        case let .missingFile(path, expected):
            return "\(path): no such file (expected \(expected))"
        case let .missingDirectory(path, expected):
            return "\(path): no such directory (expected \(expected))"
        case let .ioFailed(path, reason):
            return "\(path): \(reason)"
        case let .wrongMagic(path, offset, found, expected):
            return "\(path): magic number \(found) at offset \(offset), expected \(expected)"
        case let .truncated(path, part, offset, expectedBytes, foundBytes):
            return "\(path): truncated \(part) at offset \(offset): expected \(expectedBytes) bytes, found \(foundBytes)"
        case let .trailingBytes(path, offset, expectedBytes, foundBytes):
            return "\(path): \(foundBytes) bytes of data from offset \(offset), expected \(expectedBytes) as the header declares"
        case let .wrongDimensions(path, found, expected):
            return "\(path): array shape \(found), expected \(expected)"
        case let .empty(path, what):
            return "\(path): holds no \(what), expected at least one"
        case let .countMismatch(imagesPath, images, labelsPath, labels):
            return "\(labelsPath): \(labels) labels, expected \(images) to match the images in \(imagesPath)"
        case let .unsupportedDType(path, found, expected):
            return "\(path): element type \(found), expected \(expected)"
        case let .unsupportedLayout(path, found, expected):
            return "\(path): layout \(found), expected \(expected)"
        case let .malformedHeader(path, offset, reason):
            return "\(path): malformed header at offset \(offset): \(reason)"
        case let .badGzip(path, reason):
            return "\(path): bad gzip stream: \(reason)"
        case let .invalidLabel(path, offset, value, expected):
            return "\(path): label \(value) at offset \(offset), expected \(expected.lowerBound)...\(expected.upperBound)"
        case let .unknownToyMixture(name, known):
            return "toy dataset '\(name)' is unknown, expected one of \(known.joined(separator: ", "))"
        case let .mostlyUndecodable(path, failed, total, example):
            return "\(path): \(failed) of its \(total) image files could not be decoded, expected most to be PNG or JPEG images (first: \(example))"
        }
    }
}
