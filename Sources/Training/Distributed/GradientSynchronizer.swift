import Autograd
import MPI
import NN

/// One network's flat buffers split among the ranks: each rank's contiguous share
/// of the elements (the part it updates with the sharded split, as ZeRO stage 1
/// does), the allgather that sends each rank's share of a flat buffer (new
/// parameter values, optimizer state for a checkpoint) to every rank, and the
/// finite check of the summed gradient. The sums themselves are bucketed and run
/// on the gradient stream (`NetworkUpdater`).
public final class GradientSynchronizer {
    private let comm: any Communicator
    public let parameters: FlatParameters
    /// Every rank's share of the flat elements, in rank order.
    public let shares: [Range<Int>]

    public init(parameters: FlatParameters, comm: any Communicator) {
        self.comm = comm
        self.parameters = parameters
        shares = parameters.layout.shares(ranks: comm.size)
    }

    /// The elements this rank updates with the sharded split.
    public var ownShare: Range<Int> { shares[comm.rank] }

    /// Copies every rank's share of `flat` (the parameter values, or one optimizer state
    /// buffer, in the parameters' layout) to every rank, in place.
    public func allgather(_ flat: Tensor) throws {
        guard comm.size > 1 else { return }
        let (counts, total) = (shares.map(\.count), parameters.layout.count)
        try flat.withMutableScalars { buffer in
            try comm.allgather(inPlace: UnsafeMutableBufferPointer(rebasing: buffer[0..<total]), counts: counts)
        }
    }

    /// "gradient of '<parameter>'" for the first NaN or infinity in `elements` of the
    /// gradient on this rank, or nil when they are all finite.
    public func firstNonFinite(in elements: Range<Int>) -> String? {
        parameters.gradients.withScalars { values in
            VectorLoop.firstNonFinite(values.baseAddress! + elements.lowerBound, count: elements.count).map {
                "gradient of '\(parameters.layout.names[parameters.layout.index(ofElement: elements.lowerBound + $0)])'"
            }
        }
    }

    /// `firstNonFinite` of this rank's share, agreed across ranks (the lowest rank that
    /// found one names it): for the sharded split, where each rank holds only its share
    /// of the sum. Every rank must call this.
    public func nonFiniteGradient() throws -> String? {
        let local = firstNonFinite(in: ownShare)
        guard comm.size > 1 else { return local }
        guard try comm.any(local != nil) else { return nil }
        let messages = try comm.allgatherv(Array((local ?? "").utf8))
        return messages.first { !$0.isEmpty }.map { String(decoding: $0, as: UTF8.self) }
    }
}
