import ArgumentParser
import Foundation
import Training

/// `tandem eval`: the metrics of a run's generator, computed across the ranks.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure a run's generator: mode coverage and energy distance (2-D mixtures), or FD, KID and class KL in a feature classifier's space (images).",
        discussion: """
            Each rank generates and embeds its share of the samples, chosen by global index, so 1 or N ranks give the \
            same numbers. Prints one JSON object and appends it to the run's metrics.jsonl (not with --real-baseline). FD and KID here use \
            Tandem's own MNIST classifier (tandem classifier train): they compare Tandem runs with each other, not \
            with published Inception-based FIDs.
            """)

    @Option(help: "The run directory.") var runDir: String
    @Option(help: "The checkpoint's generator step (default: the newest valid checkpoint).") var step: Int?
    @Flag(help: "Evaluate the generator's moving average.") var ema = false
    @Option(help: "Generated samples (default: the run's eval.samples).") var samples: Int?
    @Option(help: "Feature classifier for image data (default: the run's eval.classifier).") var classifier: String?
    @Flag(help: "Compare with every image of the dataset, also when the run trained on data.limit of them.") var allData = false
    @Flag(help: "Measure held-out real data in place of the generator (image data: the evaluation's next --samples images; a toy mixture: fresh draws): the floor a perfect generator would reach at this sample count. Printed, not appended to metrics.jsonl.")
    var realBaseline = false
    @OptionGroup var ranks: RankOptions

    func validate() throws {
        if let samples, samples < 2 { throw ValidationError("--samples must be at least 2, got \(samples)") }
    }

    func run() throws {
        let (runDir, step, ema, samples, classifier, allData, realBaseline) = (runDir, step, ema, samples, classifier, allData, realBaseline)
        let lines = try ranks.run { comm -> String? in
            let line = try comm.agree {
                try RunEvaluation(
                    runDirectory: RunDirectory(url: URL(fileURLWithPath: runDir)), step: step, useEMA: ema, samples: samples, classifier: classifier,
                    allData: allData, realBaseline: realBaseline)
            }
            return try line.run(on: comm)
        }
        if let text = lines.first ?? nil { print(text) }
    }
}
