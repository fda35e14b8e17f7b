/// Where each of a list of tensors lives when all are laid end to end in one
/// flat buffer, and which elements each rank owns when the buffer is split
/// across ranks: the single source of offsets for a network's parameters,
/// gradients and optimizer moments (llm.c's layout).
public struct FlatLayout: Equatable, Sendable {
    public let names: [String]
    public let shapes: [[Int]]
    /// The first element of each tensor in the flat buffer.
    public let offsets: [Int]
    /// Elements in all.
    public let count: Int

    public init(names: [String], shapes: [[Int]]) {
        precondition(names.count == shapes.count, "FlatLayout: \(names.count) names for \(shapes.count) shapes")
        self.names = names
        self.shapes = shapes
        var offsets: [Int] = []
        var running = 0
        for shape in shapes {
            offsets.append(running)
            running += shape.reduce(1, *)
        }
        self.offsets = offsets
        count = running
    }

    /// The layout of `tensors`, in order.
    public init(_ tensors: NamedTensors) {
        self.init(names: tensors.names, shapes: tensors.map(\.tensor.shape))
    }

    /// The elements of tensor `index`.
    public func elements(of index: Int) -> Range<Int> {
        offsets[index]..<(offsets[index] + shapes[index].reduce(1, *))
    }

    /// The elements rank `rank` of `ranks` owns (balanced, contiguous).
    public func share(rank: Int, of ranks: Int) -> Range<Int> {
        BalancedSplit.range(rank, of: ranks, total: count)
    }

    /// Every rank's share, in rank order.
    public func shares(ranks: Int) -> [Range<Int>] {
        BalancedSplit.ranges(parts: ranks, total: count)
    }

    /// The tensor that holds flat element `element`.
    public func index(ofElement element: Int) -> Int {
        precondition(element >= 0 && element < count, "FlatLayout: element \(element) outside 0..<\(count)")
        var (low, high) = (0, offsets.count - 1)
        while low < high {
            let middle = (low + high + 1) / 2
            if offsets[middle] <= element { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// For each tensor overlapping `range`: its index, the overlapping elements of the
    /// tensor itself, and the same elements in the flat buffer.
    public func segments(in range: Range<Int>) -> [(index: Int, local: Range<Int>, flat: Range<Int>)] {
        shapes.indices.compactMap { index in
            let whole = elements(of: index)
            let (start, end) = (max(range.lowerBound, whole.lowerBound), min(range.upperBound, whole.upperBound))
            return start < end ? (index, (start - whole.lowerBound)..<(end - whole.lowerBound), start..<end) : nil
        }
    }
}
