import ArgumentParser
import Foundation
import Training

/// `tandem plot`: draws a run's metrics.jsonl as PNG line plots.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot a run's metrics.jsonl: losses.png, penalty.png, distance.png and one PNG per eval_ key, against the step.")

    @Option(help: "The run directory whose metrics.jsonl to plot.") var runDir: String
    @Option(help: "Directory for the PNG files (default: <run-dir>/plots).") var out: String?
    @Option(help: "Width of each plot in pixels.") var width: Int = 800
    @Option(help: "Height of each plot in pixels.") var height: Int = 500

    func validate() throws {
        // Bounded above too: a picture's pixels are allocated at once.
        guard (120...8192).contains(width) else { throw ValidationError("--width must be 120 to 8192 pixels, got \(width)") }
        guard (90...8192).contains(height) else { throw ValidationError("--height must be 90 to 8192 pixels, got \(height)") }
    }

    func run() throws {
        // Plotting is one process's work; under mpirun the other ranks have nothing to do.
        guard LaunchEnvironment.rank == 0 else { return }
        let run = RunDirectory(url: URL(fileURLWithPath: runDir))
        let history = try MetricsHistory.read(from: run.metricsFile)
        if let first = history.malformedLines.first {
            let count = history.malformedLines.count
            FileHandle.standardError.write(Data(
                "warning: skipped \(count) malformed line\(count == 1 ? "" : "s") in \(run.metricsFile.path) (first: line \(first))\n".utf8))
        }
        let directory = out.map(URL.init(fileURLWithPath:)) ?? run.url.appendingPathComponent("plots")
        let written = try MetricsPlots.write(history, to: directory, width: width, height: height)
        if written.isEmpty {
            print("no metrics to plot in \(run.metricsFile.path)")
        }
        for url in written { print(url.path) }
    }
}
