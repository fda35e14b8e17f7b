import Autograd

extension Collectives {
    /// Every rank's rows of several tensors in one allgather (and one allreduce backward):
    /// part k holds `counts[k][rank]` rows of any width on this rank; the result's part k
    /// stacks every rank's rows in rank order, as `allgather(part, counts:)` would. Each
    /// collective is a point where every rank waits for the slowest, so a loss that needs
    /// generated and real rows gathers them together. Differentiable like `allgather`.
    func allgather(_ parts: [(tensor: Tensor, counts: [Int])]) -> [Tensor] {
        let widths = parts.map { $0.tensor.shape.dropFirst().reduce(1, *) }
        guard size > 1 else { return parts.map(\.tensor) }
        let elements = (0..<size).map { r in zip(parts, widths).reduce(0) { $0 + $1.0.counts[r] * $1.1 } }
        let flat = concat(parts.map { $0.tensor.reshaped([$0.tensor.count, 1]) }, axis: 0)
        let all = allgather(flat, counts: elements)
        // Rank r's segment holds its rows of part 0, then part 1, ...
        var starts = [0]
        for count in elements.dropLast() { starts.append(starts[starts.count - 1] + count) }
        return parts.indices.map { k in
            let pieces = (0..<size).compactMap { r -> Tensor? in
                let offset = starts[r] + (0..<k).reduce(0) { $0 + parts[$1].counts[r] * widths[$1] }
                let length = parts[k].counts[r] * widths[k]
                return length == 0 ? nil : all.slice(axis: 0, offset..<(offset + length))
            }
            let rowShape = Array(parts[k].tensor.shape.dropFirst())
            let rows = parts[k].counts.reduce(0, +)
            return pieces.isEmpty ? Tensor.zeros([0] + rowShape) : concat(pieces, axis: 0).reshaped([rows] + rowShape)
        }
    }
}
