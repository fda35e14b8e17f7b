import Autograd
import NN

/// A method's state as checkpoint files of named tensors: each network is a file
/// under its name (PyTorch-loadable), its moving average `<name>_ema`, every
/// optimizer's state goes to `optimizers` prefixed by its network's name, and the
/// method's own state to `method`.
extension TrainingMethod {
    public static var optimizersFile: String { "optimizers.safetensors" }
    public static var methodFile: String { "method.safetensors" }

    /// Every state file, in writing order.
    public func stateFiles() -> [(name: String, tensors: NamedTensors)] {
        var files: [(name: String, tensors: NamedTensors)] = []
        for network in networks {
            files.append(("\(network.name).safetensors", network.module.stateDictionary()))
            if let average = network.average { files.append(("\(network.name)_ema.safetensors", average.namedAverages)) }
        }
        files.append((Self.optimizersFile, NamedTensors(networks.flatMap { $0.optimizer.stateTensors().prefixed("\($0.name).") })))
        if !extraState.isEmpty { files.append((Self.methodFile, extraState)) }
        return files
    }

    /// Loads state files (file name → tensor name → tensor) into the networks, their
    /// averages and optimizers, and the method; `path` names a file in errors.
    public func restore(files: [String: [String: Tensor]], path: (String) -> String) throws {
        func load(_ file: String, _ body: ([String: Tensor]) throws -> Void) throws {
            guard let tensors = files[file] else { throw CheckpointError.missing(path: path(file)) }
            do {
                try body(tensors)
            } catch {
                throw CheckpointError.mismatch(path: path(file), reason: "\(error)")
            }
        }
        for network in networks {
            let file = "\(network.name).safetensors"
            try load(file) { try network.module.loadState($0) }
            if let average = network.average {
                // A checkpoint of a run without an average starts it from the network.
                try load(files["\(network.name)_ema.safetensors"] == nil ? file : "\(network.name)_ema.safetensors") { try average.load($0) }
            }
            try load(Self.optimizersFile) { state in
                try network.optimizer.loadState(NamedTensors(state.map { (name: $0.key, tensor: $0.value) }).unprefixed("\(network.name).").dictionary)
            }
        }
        if !extraState.isEmpty { try load(Self.methodFile) { try restoreExtraState($0) } }
    }
}
