import Autograd
import MPI
import NN

/// Clips each parameter tensor's summed gradient to an L2 norm of at most `maxNorm`
/// (TensorFlow's `clip_by_norm` per variable, as MMD GAN's reference clips): g ← g ·
/// maxNorm / max(‖g‖, maxNorm). It runs after the reduce-scatter, when each rank holds
/// the summed gradient of its share of the flat elements only, so a tensor's norm is
/// put together from the ranks' shares: each rank sums the squares of its share of
/// each tensor in Double, one allgather exchanges these partial sums (one number per
/// tensor and rank), and every rank adds them in rank order, so every rank gets the
/// same norms bit for bit. Each rank then scales its own share.
public struct PerTensorClipping: Sendable {
    public let maxNorm: Float

    public init(maxNorm: Float) {
        self.maxNorm = maxNorm
    }

    /// Clips the summed gradient in `parameters.gradients` within `share` (this rank's
    /// elements); every rank must call this. Returns each tensor's norm before clipping.
    @discardableResult
    public func apply(to parameters: FlatParameters, share: Range<Int>, comm: any Communicator) throws -> [Double] {
        let layout = parameters.layout
        var partial = [Double](repeating: 0, count: layout.shapes.count)
        let segments = layout.segments(in: share)
        parameters.gradients.withScalars { values in
            for segment in segments {
                for i in segment.flat { partial[segment.index] += Double(values[i]) * Double(values[i]) }
            }
        }
        let norms = try Self.sumInRankOrder(partial, comm: comm).map { $0.squareRoot() }
        parameters.gradients.withMutableScalars { values in
            for segment in segments where norms[segment.index] > Double(maxNorm) {
                let factor = Float(Double(maxNorm) / norms[segment.index])
                for i in segment.flat { values[i] *= factor }
            }
        }
        return norms
    }

    /// Σ over ranks of each value, added in rank order on every rank.
    private static func sumInRankOrder(_ values: [Double], comm: any Communicator) throws -> [Double] {
        guard comm.size > 1 else { return values }
        let all = try comm.allgather(values)
        return values.indices.map { index in (0..<comm.size).reduce(0.0) { $0 + all[$1 * values.count + index] } }
    }
}
