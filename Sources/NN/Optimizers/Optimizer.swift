import Autograd

/// Updates a fixed list of parameters in place from their gradients. State is flat:
/// one tensor per (parameter, kind), named "<parameter name>.<kind>" as PyTorch names
/// the kinds ("0.weight.exp_avg"), plus a scalar "step".
public protocol Optimizer: AnyObject {
    /// The step size used by the next `step`; a schedule may change it between steps.
    var learningRate: Float { get set }
    /// Steps taken so far.
    var stepCount: Int { get }
    /// One update. `gradients` follow the parameters' order and shapes (they may be
    /// views into one flat, allreduced buffer).
    func step(gradients: [Tensor])
    /// One update of only `elements` of the parameters laid end to end, in order: a
    /// data-parallel trainer splits an update across its ranks this way (each rank
    /// updates its share, then the ranks exchange the new values). Only those elements
    /// of the gradients are read, and only their optimizer state changes.
    func step(gradients: [Tensor], elements: Range<Int>)
    /// Everything needed to resume: per-parameter state tensors, then "step".
    func stateTensors() -> [(name: String, tensor: Tensor)]
    /// Restores what `stateTensors` returned; strict about names and shapes.
    func loadState(_ state: [String: Tensor]) throws
}
