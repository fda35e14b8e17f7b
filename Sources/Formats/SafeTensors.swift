import Autograd
import Foundation

/// The safetensors format (Hugging Face): an 8-byte little-endian header length,
/// a JSON header mapping each name to its dtype, shape and byte range, then the
/// raw little-endian data. PyTorch users read it with `safetensors.torch.load_file`.
public enum SafeTensors {
    /// One stored tensor.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let shape: [Int]
        public let values: [Float]
    }

    /// Serializes float32 tensors, in the order given, with optional string metadata.
    public static func encode(_ tensors: NamedTensors, metadata: [String: String] = [:]) -> Data {
        var header: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.sorted { $0.key < $1.key }.map { "\(JSONLine.quote($0.key)):\(JSONLine.quote($0.value))" }
            header.append("\"__metadata__\":{" + fields.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, tensor) in tensors {
            let bytes = tensor.count * 4
            header.append(
                "\(JSONLine.quote(name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var json = Array(("{" + header.joined(separator: ",") + "}").utf8)
        while json.count % 8 != 0 { json.append(0x20) }  // pad with spaces so the data is 8-byte aligned
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: json)
        for (_, tensor) in tensors {
            tensor.withScalars { values in
                values.withMemoryRebound(to: UInt8.self) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// Parses a safetensors file's bytes; `file` names it in errors.
    public static func decode(_ data: Data, file: String) throws -> (entries: [Entry], metadata: [String: String]) {
        func corrupt(_ reason: String) -> CorruptFile { CorruptFile(path: file, reason: reason) }
        guard data.count >= 8 else { throw corrupt("\(data.count) bytes, too short for the 8-byte header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw corrupt("header length \(headerLength) exceeds the file's \(data.count - 8) remaining bytes")
        }
        let headerEnd = 8 + Int(headerLength)
        guard let object = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<headerEnd)) as? [String: Any] else {
            throw corrupt("the header is not a JSON object")
        }
        let dataStart = headerEnd
        var metadata: [String: String] = [:]
        var entries: [(Int, Entry)] = []
        for (name, value) in object {
            if name == "__metadata__" {
                metadata = (value as? [String: String]) ?? [:]
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                let shape = integers(info["shape"]), let offsets = integers(info["data_offsets"]), offsets.count == 2
            else { throw corrupt("tensor '\(name)' lacks dtype, shape or data_offsets") }
            guard dtype == "F32" else { throw corrupt("tensor '\(name)' has dtype \(dtype), expected F32") }
            // Checked without overflow: a corrupt header must give an error, never a trap.
            let available = data.count - dataStart
            guard let bytes = float32ByteCount(shape), offsets[0] >= 0, offsets[0] <= available,
                bytes <= available - offsets[0], offsets[1] == offsets[0] + bytes
            else {
                throw corrupt("tensor '\(name)' \(shape) claims bytes \(offsets[0])..<\(offsets[1]) of \(available)")
            }
            let values = data.subdata(in: (dataStart + offsets[0])..<(dataStart + offsets[1])).withUnsafeBytes {
                Array($0.bindMemory(to: Float.self))
            }
            entries.append((offsets[0], Entry(name: name, shape: shape, values: values)))
        }
        // File order; an empty tensor shares its offset with the next one and comes first.
        return (entries.sorted { ($0.0, $0.1.values.count, $0.1.name) < ($1.0, $1.1.values.count, $1.1.name) }.map(\.1), metadata)
    }

    /// A JSON array of whole numbers, or nil when it is anything else.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let list = value as? [Any] else { return nil }
        let numbers = list.compactMap { $0 as? Int }
        return numbers.count == list.count ? numbers : nil
    }

    /// Bytes of a float32 tensor of `shape`; nil for a negative extent or a size that overflows.
    private static func float32ByteCount(_ shape: [Int]) -> Int? {
        var bytes = 4
        for extent in shape {
            guard extent >= 0 else { return nil }
            let (product, overflow) = bytes.multipliedReportingOverflow(by: extent)
            if overflow { return nil }
            bytes = product
        }
        return bytes
    }
}

/// A file whose bytes do not follow its format, naming the file and what is wrong.
public struct CorruptFile: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): corrupt: \(reason)" }
}
