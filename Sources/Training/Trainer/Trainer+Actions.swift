import Formats
import Autograd
import Data
import Foundation
import MPI

/// The actions the loop runs every k steps, each one small and named.
extension Trainer {
    /// One allreduce of the window's values, then rank 0 appends a metrics line.
    func logMetrics(to report: RunReport) throws {
        let means = try window.reduced(over: comm)
        window = MetricsWindow()
        let rate = report.rate(at: step)
        var line = JSONLine()
        line["step"] = step
        line["time"] = report.seconds
        for (name, value) in means { line[name] = value }
        for network in method.networks { line["lr_\(network.metricsKey)"] = network.optimizer.learningRate }
        line["gen_iters_per_s"] = rate
        line["real_samples_per_s"] = report.sampleRate(batches: realData.cursor, batchSize: config.batchSize)
        line["ranks"] = comm.size
        report.summary = means.prefix(4).map { "\($0.name) \(String(format: "%.4f", $0.value))" }.joined(separator: "  ")
        report.startWindow(step: step, batches: realData.cursor)
        report.append(line, step: step)
    }

    /// Every rank evaluates its share of the samples; rank 0 logs the results.
    func evaluate(to report: RunReport) throws {
        guard let evaluator else { return }
        watchdog.beat(step: step)
        let averaged = method.networks.contains { $0.average != nil }
        let results = try evaluator.evaluate(source: try comm.agree { try method.sampleSource(averaged: averaged) })
        var line = JSONLine()
        line["step"] = step
        line["time"] = report.seconds
        line["eval_ema"] = averaged
        for (name, value) in results { line[name] = value }
        report.append(line, step: step)
        report.progress?.message("step \(step): " + results.map { "\($0.name.dropFirst(5)) \(String(format: "%.4g", $0.value))" }.joined(separator: "  "))
    }

    /// Rank 0 draws the samples of this step; a failure is a warning, never the end of the run.
    func drawPicture(to report: RunReport) {
        guard comm.rank == 0 else { return }
        report.warnOnFailure("the sample picture of step \(step)", kind: "picture") {
            let averaged = method.networks.contains { $0.average != nil }
            let real = dataset.sampleShape == [2] ? dataset.batch(at: Array(0..<min(SamplePicture.points, dataset.count ?? SamplePicture.points))) : nil
            let png = try SamplePicture.render(source: try method.sampleSource(averaged: averaged), seed: config.seed, real: real, field: method.pictureField)
            try png.write(to: runDirectory.samplePicture(step: step))
            try report.tensorBoard?.addImage(tag: "samples", image: png, step: step)
            try report.tensorBoard?.flush()
        }
    }

    /// Rank 0 writes a checkpoint; a failure stops every rank with the error.
    func writeCheckpoint() throws {
        watchdog.beat(step: step)
        defer { watchdog.beat(step: step) }
        // Each rank keeps its share of the optimizer state current: complete it first.
        for network in method.networks {
            for flat in network.optimizer.flatState { try network.synchronizer.allgather(flat) }
        }
        try comm.agree {
            if comm.rank == 0 {
                try runDirectory.checkpoints.write(CheckpointContents(files: method.stateFiles(), state: trainingState), keep: config.keepCheckpoints)
            }
        }
    }

    /// The hash of every network's parameters and buffers, checked to be the same on every rank.
    func identicalStateHash() throws -> Int64 {
        for network in method.networks { try updater.checkRanksAgree(network, step: step) }
        return parameterHash(method.networks.flatMap { $0.module.stateDictionary().tensors })
    }

    /// Rank 0 picks the starting state (its fresh networks, or the newest valid checkpoint)
    /// and every rank adopts it.
    func synchronizeInitialState() throws {
        let snapshot: [UInt8] = try comm.agree {
            guard comm.rank == 0 else { return [] }
            if options.resume {
                if let (checkpoint, warnings) = try runDirectory.checkpoints.newestValid() {
                    warnings.forEach(say)
                    try restore(checkpoint)
                    say("resuming from \(checkpoint.directory.path) at step \(step) (written by \(checkpoint.state.worldSize) ranks, now \(comm.size))")
                } else {
                    say("no checkpoint in \(runDirectory.url.path) yet: starting from step 0")
                }
            }
            return comm.size > 1 ? Array(try encodeState()) : []
        }
        guard comm.size > 1 else { return }
        let shared = try comm.broadcastBytes(snapshot, root: 0)
        try comm.agree {
            if comm.rank != 0 { try decodeState(Data(shared)) }
        }
    }
}
