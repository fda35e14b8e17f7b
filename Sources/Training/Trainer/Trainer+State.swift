import Autograd
import Foundation

/// The trainer's state: its method's state files (see `TrainingMethod.stateFiles`)
/// and the counters in state.json; one codec for checkpoints and for the snapshot
/// rank 0 broadcasts when a run starts or resumes.
extension Trainer {
    /// state.json of the current state.
    var trainingState: TrainingState {
        TrainingState(
            step: step, phaseSteps: phaseSteps, dataStep: realData.cursor, method: config.method.rawValue, seed: config.seed, worldSize: comm.size,
            globalBatch: config.batchSize, sampleShape: dataset.sampleShape)
    }

    /// Loads a checkpoint's files and counters.
    func restore(_ checkpoint: LoadedCheckpoint) throws {
        try method.restore(files: checkpoint.files) { checkpoint.directory.appendingPathComponent($0).path }
        adopt(checkpoint.state)
    }

    /// Adopts the counters of `state`.
    func adopt(_ state: TrainingState) {
        step = state.step
        phaseSteps = state.resolvedPhaseSteps
        realData.cursor = state.resolvedDataStep
    }

    /// The whole state as one blob (state.json in its metadata).
    func encodeState() throws -> Data {
        StateBlob.encode(method.stateFiles(), metadata: ["state": String(decoding: try JSONEncoder().encode(trainingState), as: UTF8.self)])
    }

    /// Adopts a blob made by `encodeState` on rank 0.
    func decodeState(_ data: Data) throws {
        let origin = "state broadcast from rank 0"
        let (files, metadata) = try StateBlob.decode(data, origin: origin)
        try method.restore(files: files) { "\(origin): \($0)" }
        adopt(try JSONDecoder().decode(TrainingState.self, from: Data((metadata["state"] ?? "").utf8)))
    }
}
