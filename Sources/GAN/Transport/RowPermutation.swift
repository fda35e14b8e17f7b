import Autograd

/// A permutation of the entries within each row of a [rows, columns] matrix: entry k
/// of row r comes from column `source[r·columns + k]` of that row. Sorting each row is
/// one; applying it is linear, so its gradient is the inverse permutation.
public struct RowPermutation: Sendable {
    public let rows: Int
    public let columns: Int
    /// Row-major source columns, `rows · columns` of them.
    public let source: [Int32]

    public init(rows: Int, columns: Int, source: [Int32]) {
        precondition(source.count == rows * columns, "RowPermutation: \(source.count) indices for \(rows)x\(columns)")
        self.rows = rows
        self.columns = columns
        self.source = source
    }

    /// The permutation that sorts each row of `x` ([rows, columns]) ascending; ties keep
    /// their column order.
    public static func sorting(_ x: Tensor) -> RowPermutation {
        precondition(x.rank == 2, "sorting: expected a [rows, columns] matrix, got \(x.shape)")
        let (rows, columns) = (x.shape[0], x.shape[1])
        var source = [Int32](repeating: 0, count: rows * columns)
        var keys = [UInt64](repeating: 0, count: columns)
        x.withScalars { values in
            source.withUnsafeMutableBufferPointer { out in
                for r in 0..<rows {
                    let base = r * columns
                    // One integer comparison per step: the value's order-preserving bits, then the column.
                    for k in 0..<columns { keys[k] = UInt64(orderedBits(values[base + k])) << 32 | UInt64(k) }
                    keys.sort()
                    for k in 0..<columns { out[base + k] = Int32(truncatingIfNeeded: keys[k] & 0xFFFF_FFFF) }
                }
            }
        }
        return RowPermutation(rows: rows, columns: columns, source: source)
    }

    /// The permutation that undoes this one.
    public var inverse: RowPermutation {
        var inverse = [Int32](repeating: 0, count: source.count)
        for r in 0..<rows {
            let base = r * columns
            for k in 0..<columns { inverse[base + Int(source[base + k])] = Int32(k) }
        }
        return RowPermutation(rows: rows, columns: columns, source: inverse)
    }
}

/// The bits of `value` as an unsigned integer whose order is the numbers' order
/// (negative values reversed below the positive ones).
@inline(__always)
private func orderedBits(_ value: Float) -> UInt32 {
    let bits = value.bitPattern
    return bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000
}

extension Tensor {
    /// Each row of a [rows, columns] matrix sorted ascending. Differentiable: the gradient
    /// of position k goes back to the entry sorted there (to any order).
    public func sortedRows() -> Tensor {
        permutedWithinRows(RowPermutation.sorting(self))
    }

    /// Entry k of row r is entry `permutation.source[r·columns + k]` of row r. Its
    /// gradient is the inverse permutation of the output gradient.
    public func permutedWithinRows(_ permutation: RowPermutation) -> Tensor {
        precondition(shape == [permutation.rows, permutation.columns], "permutedWithinRows: shape \(shape), permutation \(permutation.rows)x\(permutation.columns)")
        let result = Tensor.uninitialized(shape)
        let columns = permutation.columns
        withScalars { input in
            result.withMutableScalars { output in
                permutation.source.withUnsafeBufferPointer { source in
                    for r in 0..<permutation.rows {
                        let base = r * columns
                        for k in 0..<columns { output[base + k] = input[base + Int(source[base + k])] }
                    }
                }
            }
        }
        return customOp("permutedWithinRows", value: result, inputs: [self]) { context in
            [context.gradient.permutedWithinRows(permutation.inverse)]
        }
    }
}
