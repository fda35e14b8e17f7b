import Foundation

/// Failures writing a TensorBoard event file.
public enum TensorBoardError: Error, CustomStringConvertible, Equatable {
    /// The directory or the event file could not be created.
    case cannotCreate(path: String, reason: String)
    /// Appending to the event file failed.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotCreate(path, reason): "cannot create TensorBoard event file \(path): \(reason)"
        case let .writeFailed(path, reason): "cannot write TensorBoard event file \(path): \(reason)"
        }
    }
}
