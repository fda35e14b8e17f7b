import Formats
import Foundation

/// Where rank 0 reports a run as it goes: metrics.jsonl, TensorBoard scalars and
/// pictures, and the progress line. Failing to write any of them is a warning
/// (printed once per kind of failure), never the end of the run.
final class RunReport {
    let metrics: MetricsLog?
    let tensorBoard: TensorBoardWriter?
    let progress: ProgressReporter?
    /// The latest logged values, for the progress line.
    var summary = ""
    private let say: (String) -> Void
    private let started = Date()
    private var windowStarted = Date()
    private(set) var windowStartStep: Int
    private(set) var windowStartBatches: Int
    private var warned: Set<String> = []

    init(trainer: Trainer) {
        let isWriter = trainer.comm.rank == 0
        say = trainer.say
        windowStartStep = trainer.step
        windowStartBatches = trainer.realData.cursor
        progress = isWriter && trainer.options.showProgress ? ProgressReporter(totalSteps: trainer.config.steps, startStep: trainer.step) : nil
        var warnings: [String] = []
        func open<T>(_ body: () throws -> T) -> T? {
            guard isWriter else { return nil }
            do { return try body() } catch {
                warnings.append("warning: \(error); the run goes on without it")
                return nil
            }
        }
        metrics = open { try MetricsLog(url: trainer.runDirectory.metricsFile) }
        tensorBoard = open { try TensorBoardWriter(directory: trainer.runDirectory.tensorBoardDirectory) }
        warnings.forEach(say)
    }

    /// Seconds since the run (or this resumption of it) started.
    var seconds: Double { Date().timeIntervalSince(started) }

    /// Iterations per second since the window started.
    func rate(at step: Int) -> Double {
        let elapsed = Date().timeIntervalSince(windowStarted)
        return elapsed > 0 ? Double(step - windowStartStep) / elapsed : 0
    }

    /// Real samples drawn per second since the window started.
    func sampleRate(batches: Int, batchSize: Int) -> Double {
        let elapsed = Date().timeIntervalSince(windowStarted)
        return elapsed > 0 ? Double((batches - windowStartBatches) * batchSize) / elapsed : 0
    }

    func startWindow(step: Int, batches: Int) {
        windowStarted = Date()
        windowStartStep = step
        windowStartBatches = batches
    }

    /// Appends `line` to metrics.jsonl and its numbers to TensorBoard (rank 0; others do nothing).
    func append(_ line: JSONLine, step: Int) {
        if let metrics { warnOnFailure("a line of \(metrics.url.path)") { try metrics.append(line) } }
        if let tensorBoard {
            warnOnFailure("TensorBoard events") {
                for (tag, value) in line.numericFields where tag != "step" { try tensorBoard.addScalar(tag: tag, value: value, step: step) }
                try tensorBoard.flush()
            }
        }
    }

    /// Runs `body`; a failure is a warning ("could not write <what>: <error>"), said once per `kind`.
    func warnOnFailure(_ what: String, kind: String? = nil, _ body: () throws -> Void) {
        do {
            try body()
        } catch {
            if warned.insert(kind ?? what).inserted { say("warning: could not write \(what): \(error); training goes on") }
        }
    }
}
