/// Scratch space for sorting rows of floats by a stable radix sort: four passes of one
/// byte each over the values' order-preserving bits, carrying each entry's column. A pass
/// whose byte is the same for the whole row is skipped. Allocated once per matrix,
/// reused for every row; `release()` frees it.
struct RadixRowSorter {
    private let columns: Int
    private let keys: UnsafeMutablePointer<UInt32>
    private let spareKeys: UnsafeMutablePointer<UInt32>
    private let indices: UnsafeMutablePointer<Int32>
    private let spareIndices: UnsafeMutablePointer<Int32>
    /// Four histograms of 256 buckets, one per byte.
    private let counts: UnsafeMutablePointer<Int32>

    init(columns: Int) {
        self.columns = columns
        let length = max(columns, 1)
        keys = .allocate(capacity: length)
        spareKeys = .allocate(capacity: length)
        indices = .allocate(capacity: length)
        spareIndices = .allocate(capacity: length)
        counts = .allocate(capacity: 4 * 256)
    }

    func release() {
        keys.deallocate()
        spareKeys.deallocate()
        indices.deallocate()
        spareIndices.deallocate()
        counts.deallocate()
    }

    /// Writes to `out` the columns of `values` in ascending order of value (ties in column order).
    func sort(_ values: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Int32>) {
        let n = columns
        precondition(values.count == n && out.count == n, "RadixRowSorter: row of \(values.count), expected \(n)")
        counts.update(repeating: 0, count: 4 * 256)
        for k in 0..<n {
            let key = Self.orderedBits(values[k])
            keys[k] = key
            indices[k] = Int32(truncatingIfNeeded: k)
            counts[Int(key & 0xFF)] += 1
            counts[256 + Int((key >> 8) & 0xFF)] += 1
            counts[512 + Int((key >> 16) & 0xFF)] += 1
            counts[768 + Int(key >> 24)] += 1
        }
        var (fromKeys, toKeys, fromIndices, toIndices) = (keys, spareKeys, indices, spareIndices)
        for pass in 0..<4 {
            let shift = UInt32(8 * pass)
            let histogram = counts + 256 * pass
            if n == 0 || Int(histogram[Int((fromKeys[0] >> shift) & 0xFF)]) == n { continue }
            var offset: Int32 = 0
            for bucket in 0..<256 {
                let count = histogram[bucket]
                histogram[bucket] = offset
                offset += count
            }
            for k in 0..<n {
                let key = fromKeys[k]
                let bucket = Int((key >> shift) & 0xFF)
                let position = Int(histogram[bucket])
                histogram[bucket] += 1
                toKeys[position] = key
                toIndices[position] = fromIndices[k]
            }
            swap(&fromKeys, &toKeys)
            swap(&fromIndices, &toIndices)
        }
        for k in 0..<n { out[k] = fromIndices[k] }
    }

    /// The bits of `value` as an unsigned integer whose order is the numbers' order
    /// (negative values reversed below the positive ones).
    @inline(__always)
    static func orderedBits(_ value: Float) -> UInt32 {
        let bits = value.bitPattern
        return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
    }
}
