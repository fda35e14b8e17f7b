import Autograd

/// Updates a network's flat parameters in place from the flat gradients beside
/// them. State is flat too: one buffer per kind in the parameters' layout, saved
/// as one tensor per (parameter, kind) named "<parameter name>.<kind>" as PyTorch
/// names the kinds ("0.weight.exp_avg"), plus a scalar "step".
public protocol Optimizer: AnyObject {
    /// The step size used by the next `step`; a schedule may change it between steps.
    var learningRate: Float { get set }
    /// Steps taken so far.
    var stepCount: Int { get }
    /// The parameters and gradients it updates.
    var parameters: FlatParameters { get }
    /// One update of only `elements` of the flat layout from `parameters.gradients`: a
    /// data-parallel trainer splits an update across its ranks this way (each rank
    /// updates its share, then the ranks exchange the new values). Only those elements
    /// of the gradients are read, and only their optimizer state changes.
    func step(elements: Range<Int>)
    /// Per-element state buffers in the parameters' layout (for gathering rank shares).
    var flatState: [Tensor] { get }
    /// Everything needed to resume: per-parameter state tensors, then "step".
    func stateTensors() -> NamedTensors
    /// Restores what `stateTensors` returned; strict about names and shapes.
    func loadState(_ state: [String: Tensor]) throws
}

extension Optimizer {
    /// One update of every element from `parameters.gradients`.
    public func step() {
        step(elements: 0..<parameters.layout.count)
    }

    /// Stores one gradient per parameter (in order and shape) and updates every element.
    public func step(gradients: [Tensor]) {
        parameters.setGradients(gradients)
        step()
    }
}
