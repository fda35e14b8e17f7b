import ArgumentParser
import Foundation
import Training

/// `tandem plot`: draws a run's metrics.jsonl as PNG line plots.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Plot a run's metrics.jsonl (losses.png, penalty.png, distance.png and one PNG per eval_ key, against the step), or one iteration of a --timeline file.")

    @Option(help: "The run directory whose metrics.jsonl to plot.") var runDir: String?
    @Option(help: "A timeline written by train --timeline: draw one iteration of it instead.") var timeline: String?
    @Option(help: "With --timeline: the iteration to draw (1 is the first).") var iteration: Int = 2
    @Option(help: "Directory for the PNG files (default: <run-dir>/plots); with --timeline the PNG file (default: the timeline's name with .png).") var out: String?
    @Option(help: "Width of each plot in pixels.") var width: Int = 800
    @Option(help: "Height of each plot in pixels.") var height: Int = 500

    func validate() throws {
        guard (runDir == nil) != (timeline == nil) else { throw ValidationError("give either --run-dir or --timeline") }
        // Bounded above too: a picture's pixels are allocated at once.
        let narrowest = timeline == nil ? 120 : 200
        guard (narrowest...8192).contains(width) else { throw ValidationError("--width must be \(narrowest) to 8192 pixels, got \(width)") }
        guard (90...8192).contains(height) else { throw ValidationError("--height must be 90 to 8192 pixels, got \(height)") }
        guard iteration >= 1 else { throw ValidationError("--iteration must be at least 1, got \(iteration)") }
    }

    func run() throws {
        // Plotting is one process's work; under mpirun the other ranks have nothing to do.
        guard LaunchEnvironment.rank == 0 else { return }
        if let timeline {
            let source = URL(fileURLWithPath: timeline)
            let destination = out.map(URL.init(fileURLWithPath:)) ?? source.deletingPathExtension().appendingPathExtension("png")
            try TimelinePicture.chart(of: source, iteration: iteration, width: width).render().write(to: destination)
            print(destination.path)
            return
        }
        guard let runDir else { return }
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
