import Autograd
import Dispatch
import MPI

/// Sums one network's gradients across ranks through flat buffers: gradients are
/// copied into a single contiguous tensor, cut into size-capped buckets that are
/// allreduced without blocking in a fixed order (the same on every rank), and
/// handed back as views in the parameters' shapes. Each rank's loss is already
/// divided by the global batch size, so the sum is the global-batch gradient.
public final class GradientSynchronizer {
    private let comm: any Communicator
    private let flat: Tensor
    private let offsets: [Int]
    private let shapes: [[Int]]
    /// Element ranges of the flat buffer, one allreduce each.
    public let buckets: [Range<Int>]
    /// The synchronized gradients, views into the flat buffer (valid until the next `synchronize`).
    public let views: [Tensor]
    /// Seconds spent in the allreduces so far (for benchmarks).
    public private(set) var communicationSeconds = 0.0

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
        guard comm.size > 1 else { return views }
        let start = DispatchTime.now().uptimeNanoseconds
        defer { communicationSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }
        try flat.withMutableScalars { buffer in
            let requests = try buckets.map { try comm.iallreduce(UnsafeMutableBufferPointer(rebasing: buffer[$0]), .sum) }
            for request in requests { try request.wait() }
        }
        return views
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
