import Autograd

/// The values of a loaded dataset, sample after sample, kept in their file's
/// element type (8-bit pixels take a quarter of the memory of floats) and
/// converted to Float32 only when a batch is gathered.
struct SampleStore: Sendable {
    private enum Values: Sendable {
        /// 8-bit values and the float each byte maps to.
        case bytes([UInt8], table: [Float])
        case floats([Float])
    }

    private let values: Values
    /// Shape of one sample.
    let sampleShape: [Int]
    /// Elements per sample.
    let sampleSize: Int
    /// Number of samples.
    let count: Int

    /// 8-bit samples, each mapped through `pixelRange` when gathered.
    init(bytes: [UInt8], sampleShape: [Int], pixelRange: PixelRange) {
        self.init(values: .bytes(bytes, table: pixelRange.table), elements: bytes.count, sampleShape: sampleShape)
    }

    /// Float samples, used as they are.
    init(floats: [Float], sampleShape: [Int]) {
        self.init(values: .floats(floats), elements: floats.count, sampleShape: sampleShape)
    }

    private init(values: Values, elements: Int, sampleShape: [Int]) {
        let size = sampleShape.reduce(1, *)
        precondition(size > 0 && elements % size == 0, "SampleStore: \(elements) values do not split into samples of shape \(sampleShape)")
        self.values = values
        self.sampleShape = sampleShape
        sampleSize = size
        count = elements / size
    }

    /// Samples at `indices` as a [indices.count] + sampleShape tensor.
    func batch(at indices: [Int]) -> Tensor {
        let result = Tensor.uninitialized([indices.count] + sampleShape)
        let size = sampleSize
        result.withMutableScalars { out in
            for (row, index) in indices.enumerated() {
                precondition(index >= 0 && index < count, "batch(at:): index \(index) outside 0..<\(count)")
                let destination = row * size
                switch values {
                case let .bytes(bytes, table):
                    for k in 0..<size { out[destination + k] = table[Int(bytes[index * size + k])] }
                case let .floats(floats):
                    for k in 0..<size { out[destination + k] = floats[index * size + k] }
                }
            }
        }
        return result
    }
}
