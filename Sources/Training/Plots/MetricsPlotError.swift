import Foundation

/// Failures reading metrics or writing their plots.
public enum MetricsPlotError: Error, CustomStringConvertible, Equatable {
    case missingMetrics(path: String)
    case unreadableMetrics(path: String, reason: String)
    case cannotCreateDirectory(path: String, reason: String)

    public var description: String {
        switch self {
        case let .missingMetrics(path):
            "metrics file \(path) does not exist (expected the metrics.jsonl that `tandem train` writes in its run directory)"
        case let .unreadableMetrics(path, reason): "cannot read metrics file \(path): \(reason)"
        case let .cannotCreateDirectory(path, reason): "cannot create plot directory \(path): \(reason)"
        }
    }
}
