import Formats
import Autograd
import Foundation

/// Files of named tensors and some text as one safetensors blob (tensor names
/// "<file>/<name>"): how rank 0 sends a state it read or built to the other ranks.
public enum StateBlob {
    public static func encode(_ files: [(name: String, tensors: NamedTensors)], metadata: [String: String]) -> Data {
        SafeTensors.encode(NamedTensors(files.flatMap { $0.tensors.prefixed($0.name + "/") }), metadata: metadata)
    }

    /// The files (file name → tensor name → tensor) and metadata of a blob; `origin` names it in errors.
    public static func decode(_ data: Data, origin: String) throws -> (files: [String: [String: Tensor]], metadata: [String: String]) {
        let (entries, metadata) = try SafeTensors.decode(data, file: origin)
        var files: [String: [String: Tensor]] = [:]
        for entry in entries {
            guard let slash = entry.name.firstIndex(of: "/") else { continue }
            files[String(entry.name[..<slash]), default: [:]][String(entry.name[entry.name.index(after: slash)...])] =
                Tensor(shape: entry.shape, scalars: entry.values)
        }
        return (files, metadata)
    }
}
