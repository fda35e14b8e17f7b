import Autograd
import Dispatch
import Foundation
import MPI

/// Collectives a loss may use, as ops autograd differentiates through (what
/// torch.distributed.nn.functional offers): a loss that couples samples across
/// the global batch (kernels over all pairs, sorting, softmax plans, batch
/// statistics) is computed exactly, not per rank. Every rank must make the same
/// calls in the same order, forward and backward.
public struct Collectives {
    public let comm: any Communicator
    /// Seconds spent in these collectives, forward and backward (for benchmarks).
    public let clock: CollectiveClock

    public init(comm: any Communicator, clock: CollectiveClock = CollectiveClock()) {
        self.comm = comm
        self.clock = clock
    }

    public var rank: Int { comm.rank }
    public var size: Int { comm.size }

    /// Σ over ranks of `x`, on every rank. The adjoint of an allreduce-sum is an
    /// allreduce-sum of the output gradients, so it differentiates to any order.
    public func sum(_ x: Tensor) -> Tensor {
        guard comm.size > 1 else { return x }
        let value = x.copy()
        orAbort("sum") { try value.withMutableScalars { try comm.allreduce($0, .sum) } }
        return customOp("allreduceSum", value: value, inputs: [x]) { context in [sum(context.gradient)] }
    }

    /// Every rank's rows of `x` stacked in rank order: rank r contributes `counts[r]` rows
    /// (this rank's `x` has `counts[rank]`). Backward: the gradients of all rows are summed
    /// across ranks and each rank keeps its own rows' slice, so a loss computed from the
    /// gathered rows on every rank gives each rank's rows their exact global gradient.
    public func allgather(_ x: Tensor, counts: [Int]) -> Tensor {
        precondition(counts.count == comm.size && x.rank >= 1 && x.shape[0] == counts[comm.rank], "allgather: \(x.shape[0]) rows, counts \(counts)")
        guard comm.size > 1 else { return x }
        let rowShape = Array(x.shape.dropFirst())
        let width = rowShape.reduce(1, *)
        let first = counts[..<comm.rank].reduce(0, +)
        let own = first..<(first + counts[comm.rank])
        let value = Tensor.uninitialized([counts.reduce(0, +)] + rowShape)
        orAbort("allgather") {
            try value.withMutableScalars { buffer in
                x.withScalars { _ = UnsafeMutableBufferPointer(rebasing: buffer[(own.lowerBound * width)..<(own.upperBound * width)]).update(fromContentsOf: $0) }
                try comm.allgather(inPlace: buffer, counts: counts.map { $0 * width })
            }
        }
        return customOp("allgatherRows", value: value, inputs: [x]) { context in
            [sum(context.gradient).slice(axis: 0, own)]
        }
    }

    /// Σ over ranks of each value (statistics of the global batch; not differentiated).
    public func sum(_ values: [Double]) -> [Double] {
        var sums = values
        if comm.size > 1 { orAbort("sum") { try comm.allreduce(&sums, .sum) } }
        return sums
    }

    /// Collectives inside a loss cannot throw: a failure there ends the job, naming the op.
    private func orAbort(_ op: String, _ body: () throws -> Void) {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { clock.seconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }
        do {
            try body()
        } catch {
            FileHandle.standardError.write(Data("error: rank \(comm.rank): \(op) across ranks failed: \(error)\n".utf8))
            comm.abort(code: 2)
        }
    }
}

/// Seconds spent in the collectives of losses so far (the gathers and sums that make a
/// coupled loss exact), kept apart from the gradient collectives each network's
/// `GradientSynchronizer` times.
public final class CollectiveClock: @unchecked Sendable {
    public internal(set) var seconds = 0.0

    public init() {}
}
