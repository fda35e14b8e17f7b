import Foundation
import MPI

/// What a finished run reports.
public struct TrainingOutcome: Sendable {
    public let steps: Int
    public let seconds: Double
    public let runDirectory: URL
    /// True when a signal stopped the run before its last step (a checkpoint was written).
    public let stoppedEarly: Bool
}

extension Trainer {
    /// Trains from the current step to `config.steps`: each iteration the method's phases,
    /// then the actions that are due (log, evaluate, picture, checkpoint, stop). A trainer
    /// runs once: its watchdog stops with it.
    public func run() throws -> TrainingOutcome {
        defer { watchdog.stop() }
        let report = RunReport(trainer: self)
        var lastCheckpoint = -1
        while step < config.steps {
            try trainIteration()
            let isLast = step == config.steps
            let isLogStep = isLast || step % config.logEvery == 0
            if isLogStep { try logMetrics(to: report) }
            report.progress?.update(step: step, summary: report.summary, logStep: isLogStep)
            if evaluator != nil, isLast || step % config.evalEvery == 0 { try evaluate(to: report) }
            if isLast || isDue(config.sampleEvery) { drawPicture(to: report) }
            if isLast || isDue(config.checkpointEvery) {
                try writeCheckpoint()
                lastCheckpoint = step
            }
            // A stop request on any rank stops every rank here, after the same step.
            if !isLast, try comm.any(StopSignal.isRequested) { return try stopEarly(report, lastCheckpoint: lastCheckpoint) }
        }
        // Nothing left to train (e.g. resumed at the end): still leave a checkpoint of this state.
        if lastCheckpoint != step { try writeCheckpoint() }
        return try finish(report)
    }

    /// Whether an action every `interval` steps (0: never) is due at this step.
    private func isDue(_ interval: Int) -> Bool {
        interval > 0 && step % interval == 0
    }

    /// Writes a checkpoint (when the last one is older) and tells how to continue.
    private func stopEarly(_ report: RunReport, lastCheckpoint: Int) throws -> TrainingOutcome {
        if lastCheckpoint != step { try writeCheckpoint() }
        report.progress?.finish()
        let line = "stopped at step \(step) of \(config.steps) on request; checkpoint \(runDirectory.checkpoints.checkpoint(step: step).path); continue with --resume"
        say(line)
        if comm.rank == 0, let marker = ProcessInfo.processInfo.environment["TANDEM_STOP_MARKER"] {
            report.warnOnFailure("the stop marker \(marker)") { try Data((line + "\n").utf8).write(to: URL(fileURLWithPath: marker)) }
        }
        return TrainingOutcome(steps: step, seconds: report.seconds, runDirectory: runDirectory.url, stoppedEarly: true)
    }

    /// Checks every rank holds the same state and says where the run is.
    private func finish(_ report: RunReport) throws -> TrainingOutcome {
        report.progress?.finish()
        let hash = try identicalStateHash()
        say(
            "finished step \(step) of \(config.steps) in \(String(format: "%.1f", report.seconds)) s on \(comm.size) rank\(comm.size == 1 ? "" : "s")"
                + "; parameters identical on every rank (hash \(String(UInt64(bitPattern: hash), radix: 16)))"
                + "; run directory: \(runDirectory.url.path)")
        return TrainingOutcome(steps: step, seconds: report.seconds, runDirectory: runDirectory.url, stoppedEarly: false)
    }
}
