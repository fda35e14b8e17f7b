import Plot
import Data
import Foundation

/// The line plots `tandem plot` draws from a run's metrics: losses, penalty,
/// critic distance, and one plot per evaluation key ("eval_..."), each against
/// the generator step.
public enum MetricsPlots {
    /// One PNG: its file name, title, and the metric keys drawn in it.
    public struct Figure: Sendable, Equatable {
        public let fileName: String
        public let title: String
        public let keys: [String]

        public init(fileName: String, title: String, keys: [String]) {
            self.fileName = fileName
            self.title = title
            self.keys = keys
        }
    }

    /// The figures `history` has data for, in the order they are written; a
    /// figure is left out when none of its keys appear.
    public static func figures(for history: MetricsHistory) -> [Figure] {
        let fixed = [
            Figure(fileName: "losses.png", title: "critic and generator loss", keys: ["critic_loss", "generator_loss"]),
            Figure(fileName: "penalty.png", title: "critic penalty", keys: ["penalty"]),
            Figure(fileName: "distance.png", title: "critic distance: mean D(real) - mean D(fake)", keys: ["critic_distance"]),
        ]
        let evaluations = history.evaluationKeys.map { Figure(fileName: "\(fileSafe($0)).png", title: $0, keys: [$0]) }
        return (fixed + evaluations).filter { figure in figure.keys.contains { history.series[$0] != nil } }
    }

    /// The plot of one figure's keys against the step.
    public static func plot(_ figure: Figure, from history: MetricsHistory, width: Int = 800, height: Int = 500) -> LinePlot {
        var plot = LinePlot(width: width, height: height, title: figure.title, xLabel: "generator step")
        for key in figure.keys {
            guard let points = history.series[key] else { continue }
            plot.add(name: key, x: points.map(\.step), y: points.map(\.value))
        }
        return plot
    }

    /// Writes every figure of `history` as a PNG in `directory` (created if needed) and returns the files written.
    public static func write(_ history: MetricsHistory, to directory: URL, width: Int = 800, height: Int = 500) throws -> [URL] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw MetricsPlotError.cannotCreateDirectory(path: directory.path, reason: CheckpointStore.reason(error))
        }
        return try figures(for: history).map { figure in
            let url = directory.appendingPathComponent(figure.fileName)
            try plot(figure, from: history, width: width, height: height).write(to: url)
            return url
        }
    }

    /// `key` with anything but letters, digits, "_", "-" and "." replaced by "_", for a file name.
    private static func fileSafe(_ key: String) -> String {
        String(key.map { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) ? $0 : "_" })
    }
}
