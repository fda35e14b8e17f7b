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
    /// their column order. A stable least-significant-digit radix sort on the values'
    /// order-preserving bits: linear in the row length, so sorting L rows of n entries costs
    /// the same as 2L rows of n/2 (a rank's share of directions over the gathered batch
    /// costs what all directions over its own rows would).
    public static func sorting(_ x: Tensor) -> RowPermutation {
        precondition(x.rank == 2, "sorting: expected a [rows, columns] matrix, got \(x.shape)")
        let (rows, columns) = (x.shape[0], x.shape[1])
        var source = [Int32](repeating: 0, count: rows * columns)
        let sorter = RadixRowSorter(columns: columns)
        defer { sorter.release() }
        x.withScalars { values in
            source.withUnsafeMutableBufferPointer { out in
                for r in 0..<rows {
                    let row = (r * columns)..<((r + 1) * columns)
                    sorter.sort(UnsafeBufferPointer(rebasing: values[row]), into: UnsafeMutableBufferPointer(rebasing: out[row]))
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
