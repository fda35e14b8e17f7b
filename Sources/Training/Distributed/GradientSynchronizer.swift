import Autograd
import Dispatch
import Foundation
import MPI
import NN

/// Sums one network's gradients across ranks and shares its optimizer's work (as
/// ZeRO stage 1 does), all on the network's flat buffers: `reduceScatter` leaves
/// each rank the summed gradient of its own share of the elements, the optimizer
/// updates only that share, and `allgather` sends the new values to every rank:
/// the traffic of one allreduce, and each rank does 1/R of the optimizer's
/// memory-bound work. Each rank's loss is already divided by the global batch
/// size, so the sum is the global-batch gradient.
public final class GradientSynchronizer {
    private let comm: any Communicator
    public let parameters: FlatParameters
    /// Every rank's share of the flat elements, in rank order.
    public let shares: [Range<Int>]
    /// Seconds spent in collectives so far (for benchmarks).
    public private(set) var communicationSeconds = 0.0

    public init(parameters: FlatParameters, comm: any Communicator) {
        self.comm = comm
        self.parameters = parameters
        shares = parameters.layout.shares(ranks: comm.size)
    }

    /// The elements this rank updates.
    public var ownShare: Range<Int> { shares[comm.rank] }

    /// Sums `parameters.gradients` over all ranks, keeping this rank's share of the
    /// sum (the other elements are left partial). Every rank must call this.
    public func reduceScatter() throws {
        guard comm.size > 1 else { return }
        let (counts, total) = (shares.map(\.count), parameters.layout.count)
        try timed {
            try parameters.gradients.withMutableScalars { buffer in
                try comm.reduceScatter(UnsafeMutableBufferPointer(rebasing: buffer[0..<total]), counts: counts, .sum)
            }
        }
    }

    /// Copies every rank's share of `flat` (the parameter values, or one optimizer state
    /// buffer, in the parameters' layout) to every rank, in place.
    public func allgather(_ flat: Tensor) throws {
        guard comm.size > 1 else { return }
        let (counts, total) = (shares.map(\.count), parameters.layout.count)
        try timed {
            try flat.withMutableScalars { buffer in
                try comm.allgather(inPlace: UnsafeMutableBufferPointer(rebasing: buffer[0..<total]), counts: counts)
            }
        }
    }

    /// "gradient of '<parameter>'" for the first NaN or infinity in this rank's share of
    /// the summed gradient, agreed across ranks (the lowest rank that found one names it),
    /// or nil when every share is finite. Every rank must call this.
    public func nonFiniteGradient() throws -> String? {
        let share = ownShare
        let local = parameters.gradients.withScalars { values in
            VectorLoop.firstNonFinite(values.baseAddress! + share.lowerBound, count: share.count).map {
                "gradient of '\(parameters.layout.names[parameters.layout.index(ofElement: share.lowerBound + $0)])'"
            }
        }
        guard comm.size > 1 else { return local }
        guard try comm.any(local != nil) else { return nil }
        let messages = try comm.allgatherv(Array((local ?? "").utf8))
        return messages.first { !$0.isEmpty }.map { String(decoding: $0, as: UTF8.self) }
    }

    private func timed(_ body: () throws -> Void) rethrows {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { communicationSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }
        try body()
    }
}
