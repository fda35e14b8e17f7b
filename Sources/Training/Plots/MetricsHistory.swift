import Foundation

/// The numeric series in a run's metrics.jsonl: for every key, the values in
/// file order, each paired with its line's "step". A JSON null (how Tandem
/// writes a non-finite value) becomes NaN, a gap in a plot. Lines that are not
/// a JSON object with a numeric "step" are skipped and counted.
public struct MetricsHistory: Sendable {
    /// One value of a key, at the step of the line it came from.
    public struct Point: Sendable, Equatable {
        public let step: Double
        public let value: Double

        public init(step: Double, value: Double) {
            self.step = step
            self.value = value
        }
    }

    /// Every numeric (or null) key's points, "step" itself excepted.
    public private(set) var series: [String: [Point]] = [:]
    /// One-based numbers of the lines skipped as malformed.
    public private(set) var malformedLines: [Int] = []
    /// Lines read as metrics.
    public private(set) var lineCount = 0

    /// Parses the text of a metrics.jsonl file; blank lines are ignored.
    public init(jsonLines text: String) {
        let decoder = JSONDecoder()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            guard let object = try? decoder.decode([String: MetricValue].self, from: Data(line.utf8)),
                let stepValue = object["step"], case let .number(step) = stepValue, step.isFinite
            else {
                malformedLines.append(index + 1)
                continue
            }
            lineCount += 1
            for (key, value) in object where key != "step" {
                switch value {
                case let .number(number): series[key, default: []].append(Point(step: step, value: number))
                case .null: series[key, default: []].append(Point(step: step, value: .nan))
                case .other: break
                }
            }
        }
    }

    /// Reads `url` (a run's metrics.jsonl).
    public static func read(from url: URL) throws -> MetricsHistory {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw MetricsPlotError.missingMetrics(path: url.path)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw MetricsPlotError.unreadableMetrics(path: url.path, reason: CheckpointStore.reason(error))
        }
        return MetricsHistory(jsonLines: String(decoding: data, as: UTF8.self))
    }

    /// Keys naming evaluation results ("eval_" prefix), sorted.
    public var evaluationKeys: [String] {
        series.keys.filter { $0.hasPrefix("eval_") }.sorted()
    }
}

/// A JSON value in a metrics line, as far as plotting cares.
private enum MetricValue: Decodable {
    case number(Double)
    case null
    case other

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if (try? container.decode(Bool.self)) != nil {
            self = .other
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            self = .other
        }
    }
}
