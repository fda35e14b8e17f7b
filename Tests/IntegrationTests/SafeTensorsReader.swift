import Foundation

/// A safetensors parser written for the tests, independent of Tandem's: it reads
/// the 8-byte header length, the JSON header, and the little-endian float32 data.
struct SafeTensorsFile {
    struct Entry {
        let shape: [Int]
        let values: [Float]
    }

    let entries: [String: Entry]
    /// Tensor names in the order of their data in the file.
    let orderedNames: [String]

    init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        let headerLength = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as! [String: Any]
        var entries: [String: Entry] = [:]
        var starts: [(Int, String)] = []
        for (name, value) in header where name != "__metadata__" {
            let info = value as! [String: Any]
            precondition(info["dtype"] as? String == "F32")
            let shape = (info["shape"] as! [NSNumber]).map(\.intValue)
            let offsets = (info["data_offsets"] as! [NSNumber]).map(\.intValue)
            let bytes = data.subdata(in: (8 + headerLength + offsets[0])..<(8 + headerLength + offsets[1]))
            let values = bytes.withUnsafeBytes { raw in (0..<(bytes.count / 4)).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) } }
            entries[name] = Entry(shape: shape, values: values)
            starts.append((offsets[0], name))
        }
        self.entries = entries
        orderedNames = starts.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// ‖a − b‖ / ‖a‖ over all tensors of two files with the same names.
    static func relativeDistance(_ a: SafeTensorsFile, _ b: SafeTensorsFile) -> Double {
        var difference = 0.0
        var norm = 0.0
        for (name, entry) in a.entries {
            guard let other = b.entries[name], other.shape == entry.shape else { return .infinity }
            for (x, y) in zip(entry.values, other.values) {
                difference += Double(x - y) * Double(x - y)
                norm += Double(x) * Double(x)
            }
        }
        return (difference / max(norm, 1e-30)).squareRoot()
    }
}
