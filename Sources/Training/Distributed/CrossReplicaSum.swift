import Autograd
import Foundation
import MPI

/// A differentiable sum across ranks: every rank gets Σ_ranks x, and the
/// gradient is again a sum across ranks (an allreduce-sum is its own adjoint).
/// Synchronized batch normalization sums its per-channel statistics with it.
public func crossReplicaSum(over comm: any Communicator) -> (Tensor) -> Tensor {
    func sum(_ x: Tensor) -> Tensor {
        let value = x.copy()
        do {
            try value.withMutableScalars { try comm.allreduce($0, .sum) }
        } catch {
            FileHandle.standardError.write(Data("error: rank \(comm.rank): synchronized batch norm: \(error)\n".utf8))
            comm.abort(code: 2)
        }
        return customOp("crossReplicaSum", value: value, inputs: [x]) { ctx in [sum(ctx.gradient)] }
    }
    return sum
}
