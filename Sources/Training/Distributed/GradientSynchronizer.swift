import Autograd
import Dispatch
import MPI

/// Sums one network's gradients across ranks through flat buffers: gradients are
/// copied into a single contiguous tensor, cut into size-capped buckets that are
/// allreduced in a fixed order (the same on every rank), and handed back as views
/// in the parameters' shapes. Each rank's loss is already divided by the global
/// batch size, so the sum is the global-batch gradient.
///
/// With several ranks the update can be sharded instead (as ZeRO stage 1 does):
/// `reduceScatter` leaves each rank the summed gradient of its own share of the
/// elements, the optimizer updates only that share, and `allgather` sends the new
/// values to every rank: the same traffic as an allreduce, and each rank does
/// 1/R of the optimizer's memory-bound work.
public final class GradientSynchronizer {
    private let comm: any Communicator
    private let flat: Tensor
    private let offsets: [Int]
    private let shapes: [[Int]]
    /// Element ranges of the flat buffer, one allreduce each.
    public let buckets: [Range<Int>]
    /// The synchronized gradients, views into the flat buffer (valid until the next `synchronize`).
    public let views: [Tensor]
    /// Seconds spent in collectives so far (for benchmarks).
    public private(set) var communicationSeconds = 0.0
    /// Each rank's share of the elements in a sharded update (sizes differ by at most one).
    public let shards: [Range<Int>]
    /// This rank's share.
    public var ownShard: Range<Int> { shards[comm.rank] }
    private let total: Int

    /// `bucketBytes`: the most bytes one allreduce carries (parameters are never split,
    /// so a parameter larger than the cap gets a bucket of its own).
    public init(parameters: [Tensor], comm: any Communicator, bucketBytes: Int = 16 << 20) {
        self.comm = comm
        shapes = parameters.map(\.shape)
        var offsets: [Int] = []
        var total = 0
        for parameter in parameters {
            offsets.append(total)
            total += parameter.count
        }
        self.offsets = offsets
        self.total = total
        shards = (0..<comm.size).map { rank in
            let (base, extra) = (total / comm.size, total % comm.size)
            let start = rank * base + min(rank, extra)
            return start..<(start + base + (rank < extra ? 1 : 0))
        }
        let flat = Tensor.zeros([max(total, 1)])
        self.flat = flat
        views = zip(offsets, parameters.map(\.shape)).map { flat.view(offset: $0, shape: $1) }

        var buckets: [Range<Int>] = []
        var start = 0
        for (offset, parameter) in zip(offsets, parameters) where offset + parameter.count - start > bucketBytes / 4 && offset > start {
            buckets.append(start..<offset)
            start = offset
        }
        if total > start || buckets.isEmpty { buckets.append(start..<total) }
        self.buckets = buckets
    }

    /// Copies `gradients` (nil: the parameter got none) into the flat buffer, sums it over
    /// all ranks, and returns the views. Every rank must call this with the same parameters.
    @discardableResult
    public func synchronize(_ gradients: [Tensor?]) throws -> [Tensor] {
        copyIntoFlat(gradients)
        guard comm.size > 1 else { return views }
        try timed {
            try flat.withMutableScalars { buffer in
                for bucket in buckets { try comm.allreduce(UnsafeMutableBufferPointer(rebasing: buffer[bucket]), .sum) }
            }
        }
        return views
    }

    /// Copies `gradients` (nil: the parameter got none, so zeros) into the flat buffer.
    private func copyIntoFlat(_ gradients: [Tensor?]) {
        precondition(gradients.count == shapes.count, "synchronize: \(gradients.count) gradients for \(shapes.count) parameters")
        flat.withMutableScalars { buffer in
            for (i, gradient) in gradients.enumerated() {
                let destination = UnsafeMutableBufferPointer(rebasing: buffer[offsets[i]..<(offsets[i] + Tensor.elementCount(shapes[i]))])
                if let gradient {
                    precondition(gradient.shape == shapes[i], "synchronize: gradient \(i) has shape \(gradient.shape), expected \(shapes[i])")
                    gradient.withScalars { _ = destination.update(fromContentsOf: $0) }
                } else {
                    destination.update(repeating: 0)
                }
            }
        }
    }

    /// Sums `gradients` over all ranks and keeps this rank's share of the sum: the returned
    /// views hold the global-batch gradient on `ownShard` only.
    @discardableResult
    public func reduceScatter(_ gradients: [Tensor?]) throws -> [Tensor] {
        copyIntoFlat(gradients)
        try timed {
            try flat.withMutableScalars { buffer in
                try comm.reduceScatter(UnsafeMutableBufferPointer(rebasing: buffer[0..<total]), counts: shards.map(\.count), .sum)
            }
        }
        return views
    }

    /// Copies each rank's share of `tensors` (one per parameter, in the parameters' shapes:
    /// the parameters themselves, or one kind of per-element optimizer state) to every rank.
    public func allgather(_ tensors: [Tensor]) throws {
        precondition(tensors.map(\.shape) == shapes, "allgather: tensors must have the parameters' shapes")
        let own = ownShard
        flat.withMutableScalars { buffer in
            forEachSegment(in: own) { index, local, flatRange in
                tensors[index].withScalars { values in
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[flatRange]).update(fromContentsOf: UnsafeBufferPointer(rebasing: values[local]))
                }
            }
        }
        try timed {
            try flat.withMutableScalars { buffer in
                try comm.allgather(inPlace: UnsafeMutableBufferPointer(rebasing: buffer[0..<total]), counts: shards.map(\.count))
            }
        }
        flat.withScalars { buffer in
            for (rank, shard) in shards.enumerated() where rank != comm.rank {
                forEachSegment(in: shard) { index, local, flatRange in
                    tensors[index].withMutableScalars { values in
                        _ = UnsafeMutableBufferPointer(rebasing: values[local]).update(fromContentsOf: UnsafeBufferPointer(rebasing: buffer[flatRange]))
                    }
                }
            }
        }
    }

    /// For each parameter overlapping `range` of the flat layout: its index, the overlapping
    /// elements of the parameter, and the same elements in the flat buffer.
    private func forEachSegment(in range: Range<Int>, _ body: (Int, Range<Int>, Range<Int>) -> Void) {
        for index in shapes.indices {
            let count = Tensor.elementCount(shapes[index])
            let start = max(range.lowerBound, offsets[index])
            let end = min(range.upperBound, offsets[index] + count)
            if start < end { body(index, (start - offsets[index])..<(end - offsets[index]), start..<end) }
        }
    }

    private func timed(_ body: () throws -> Void) rethrows {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { communicationSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }
        try body()
    }

    /// The flat buffer's values, for finiteness checks and hashing.
    public func withFlatValues<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try flat.withScalars(body)
    }

    /// Which parameter index holds flat element `element`.
    public func parameterIndex(ofElement element: Int) -> Int {
        (offsets.lastIndex { $0 <= element }) ?? 0
    }
}

extension Tensor {
    /// Number of elements of a shape.
    static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }
}
