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
    /// Trains from the current step to `config.steps`: n_critic critic updates per
    /// generator update; metrics, pictures and checkpoints at their intervals and at the end.
    public func run() throws -> TrainingOutcome {
        let (metrics, tensorBoard) = try comm.agree {
            comm.rank == 0 ? (try MetricsLog(url: runDirectory.metricsFile), try TensorBoardWriter(directory: runDirectory.tensorBoardDirectory)) : (nil, nil)
        }
        let progress = comm.rank == 0 && options.showProgress ? ProgressReporter(totalSteps: config.steps, startStep: step) : nil
        let started = Date()
        var windowStarted = Date()
        var windowStartStep = step
        var summary = ""
        var lastCheckpoint = -1

        while step < config.steps {
            watchdog.beat(step: step)
            try iterate()
            if options.debugChecks { try checkRanksAgree() }

            let isLast = step == config.steps
            let isLogStep = step % config.logEvery == 0 || isLast
            if isLogStep {
                let means = try window.reduced(over: comm)
                let seconds = Date().timeIntervalSince(windowStarted)
                let rate = seconds > 0 ? Double(step - windowStartStep) / seconds : 0
                summary = String(format: "D %.4f  G %.4f  penalty %.4f  W %.4f", means.criticLoss, means.generatorLoss, means.penalty, means.distance)
                var line = JSONLine()
                line["step"] = step
                line["time"] = Date().timeIntervalSince(started)
                line["critic_loss"] = means.criticLoss
                line["penalty"] = means.penalty
                line["generator_loss"] = means.generatorLoss
                line["critic_distance"] = means.distance
                line["lr_g"] = generatorOptimizer.learningRate
                line["lr_d"] = criticOptimizer.learningRate
                line["gen_iters_per_s"] = rate
                line["critic_samples_per_s"] = rate * Double(config.criticSteps * config.batchSize)
                line["ranks"] = comm.size
                try comm.agree {
                    try metrics?.append(line)
                    for (tag, value) in line.numericFields where tag != "step" { try tensorBoard?.addScalar(tag: tag, value: value, step: step) }
                    try tensorBoard?.flush()
                }
                window = MetricsWindow()
                windowStarted = Date()
                windowStartStep = step
            }
            progress?.update(step: step, summary: summary, logStep: isLogStep)

            if let evaluator, isLast || step % config.evalEvery == 0 {
                watchdog.beat(step: step)
                let results = try evaluator.evaluate(generator: ema == nil ? generator : emaGenerator())
                var line = JSONLine()
                line["step"] = step
                line["time"] = Date().timeIntervalSince(started)
                line["eval_ema"] = ema != nil
                for (name, value) in results { line[name] = value }
                try comm.agree {
                    try metrics?.append(line)
                    for (tag, value) in results { try tensorBoard?.addScalar(tag: tag, value: value, step: step) }
                    try tensorBoard?.flush()
                }
                progress?.message("step \(step): " + results.map { "\($0.name.dropFirst(5)) \(String(format: "%.4g", $0.value))" }.joined(separator: "  "))
            }
            if isLast || (config.sampleEvery > 0 && step % config.sampleEvery == 0) {
                try comm.agree {
                    guard comm.rank == 0 else { return }
                    let picture = try samplePicture()
                    try picture.write(to: runDirectory.samplePicture(step: step))
                    try tensorBoard?.addImage(tag: "samples", image: picture, step: step)
                    try tensorBoard?.flush()
                }
            }
            if isLast || (config.checkpointEvery > 0 && step % config.checkpointEvery == 0) {
                try writeCheckpoint()
                lastCheckpoint = step
            }
            // A stop request on any rank stops every rank here, after the same step.
            if !isLast, try comm.any(StopSignal.isRequested) {
                if lastCheckpoint != step { try writeCheckpoint() }
                progress?.finish()
                let line = "stopped at step \(step) of \(config.steps) on request; checkpoint \(runDirectory.checkpoints.checkpoint(step: step).path); continue with --resume"
                say(line)
                if comm.rank == 0, let marker = ProcessInfo.processInfo.environment["TANDEM_STOP_MARKER"] {
                    try? Data((line + "\n").utf8).write(to: URL(fileURLWithPath: marker))
                }
                return TrainingOutcome(steps: step, seconds: Date().timeIntervalSince(started), runDirectory: runDirectory.url, stoppedEarly: true)
            }
        }
        if lastCheckpoint != step {
            // Nothing left to train (e.g. resumed at the end): still leave a checkpoint of this state.
            try writeCheckpoint()
        }
        progress?.finish()
        let hash = try identicalParameterHash()
        let seconds = Date().timeIntervalSince(started)
        say(
            "finished step \(step) of \(config.steps) in \(String(format: "%.1f", seconds)) s on \(comm.size) rank\(comm.size == 1 ? "" : "s")"
                + "; parameters identical on every rank (hash \(String(UInt64(bitPattern: hash), radix: 16)))"
                + "; run directory: \(runDirectory.url.path)")
        return TrainingOutcome(steps: step, seconds: seconds, runDirectory: runDirectory.url, stoppedEarly: false)
    }

    /// Rank 0 writes a checkpoint; a failure stops every rank with the error.
    func writeCheckpoint() throws {
        watchdog.beat(step: step)
        defer { watchdog.beat(step: step) }
        try gatherShardedOptimizerState()
        try comm.agree {
            if comm.rank == 0 { try runDirectory.checkpoints.write(checkpointContents(), keep: config.keepCheckpoints) }
        }
    }

    /// With several ranks each rank keeps its share of the optimizer state current (see
    /// `GradientSynchronizer`); before a checkpoint every per-element state tensor is
    /// completed from the other ranks' shares.
    func gatherShardedOptimizerState() throws {
        guard comm.size > 1 else { return }
        for (optimizer, parameters, sync) in [
            (generatorOptimizer, generatorParameters, generatorSync), (criticOptimizer, criticParameters, criticSync),
        ] {
            let state = Dictionary(uniqueKeysWithValues: optimizer.stateTensors().map { ($0.name, $0.tensor) })
            let prefix = (parameters.first?.name ?? "") + "."
            let kinds = state.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }.sorted()
            for kind in kinds {
                let family = parameters.compactMap { state["\($0.name).\(kind)"] }
                if family.count == parameters.count { try sync.allgather(family) }
            }
        }
    }

    /// The hash of all parameters, checked to be the same on every rank.
    func identicalParameterHash() throws -> Int64 {
        try checkRanksAgree()
        return parameterHash((generatorParameters + criticParameters).map(\.tensor))
    }

    /// All ranks hold bitwise the same parameters (every update in debug mode, and at the end).
    func checkRanksAgree() throws {
        for (network, parameters) in [("generator", generatorParameters), ("critic", criticParameters)] {
            let hashes = try comm.allgather([parameterHash(parameters.map(\.tensor))])
            let differing = hashes.indices.filter { hashes[$0] != hashes[0] }
            if !differing.isEmpty { throw TrainingError.ranksDiverged(step: step, network: network, ranks: differing) }
        }
    }
}
