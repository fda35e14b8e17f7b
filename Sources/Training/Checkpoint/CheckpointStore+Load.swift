import Autograd
import Formats
import Foundation

extension CheckpointStore {
    /// Reads and verifies one checkpoint directory: state.json must hold values a run
    /// writes, and every file its checksum.
    public func load(_ directory: URL) throws -> LoadedCheckpoint {
        let statePath = directory.appendingPathComponent("state.json")
        guard let stateData = FileManager.default.contents(atPath: statePath.path) else {
            throw CheckpointError.missing(path: statePath.path)
        }
        let state: TrainingState
        do {
            state = try JSONDecoder().decode(TrainingState.self, from: stateData)
        } catch {
            throw CheckpointError.corruptFile(path: statePath.path, reason: "not a valid state.json")
        }
        if let problem = Self.implausibility(of: state) { throw CheckpointError.corruptFile(path: statePath.path, reason: problem) }
        // Every safetensors file beside state.json must be listed with its checksum.
        let present = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        if let unlisted = present.filter({ $0.hasSuffix(".safetensors") && state.files[$0] == nil }).sorted().first {
            throw CheckpointError.corruptFile(path: statePath.path, reason: "no checksum for \(unlisted)")
        }
        var files: [String: [String: Tensor]] = [:]
        for (file, expected) in state.files.sorted(by: { $0.key < $1.key }) {
            let path = directory.appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path.path) else { throw CheckpointError.missing(path: path.path) }
            let found = SHA256.hex(of: data)
            guard found == expected else { throw CheckpointError.checksumMismatch(path: path.path, expected: expected, found: found) }
            let entries = try SafeTensors.decode(data, file: path.path).entries
            files[file] = Dictionary(entries.map { ($0.name, Tensor(shape: $0.shape, scalars: $0.values)) }) { first, _ in first }
        }
        return LoadedCheckpoint(directory: directory, files: files, state: state)
    }

    /// Why `state` cannot have been written by a run (nil when it can): its values reach
    /// reshapes, the sampler and the model builders as they are.
    static func implausibility(of state: TrainingState) -> String? {
        guard state.format == TrainingState.currentFormat else {
            return "format '\(state.format)', expected '\(TrainingState.currentFormat)'"
        }
        let shape = state.sampleShape
        guard [1, 3].contains(shape.count), shape.allSatisfy({ $0 >= 1 }) else {
            return "sample_shape \(shape): expected [D] points or [C, H, W] images, every extent at least 1"
        }
        let counts = [("step", state.step, 0), ("critic_step", state.criticStep, 0), ("data_step", state.resolvedDataStep, 0), ("world_size", state.worldSize, 1), ("global_batch", state.globalBatch, 1)]
            + state.resolvedPhaseSteps.sorted { $0.key < $1.key }.map { ("phase_steps.\($0.key)", $0.value, 0) }
        for (key, value, least) in counts where value < least {
            return "\(key) \(value): expected at least \(least)"
        }
        return nil
    }
}
