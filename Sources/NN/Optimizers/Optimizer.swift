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
    /// Everything needed to resume: per-parameter state tensors, then "step".
    func stateTensors() -> [(name: String, tensor: Tensor)]
    /// Restores what `stateTensors` returned; strict about names and shapes.
    func loadState(_ state: [String: Tensor]) throws
}
