import Autograd

/// A network's parameters, gradients and their layout as flat buffers: each
/// parameter tensor becomes a view of `values`, and gradients are gathered into
/// `gradients` in the same layout, so summing across ranks, optimizer steps and
/// exchanging new values each work on one contiguous buffer (llm.c's shape).
/// A module's parameters belong to one `FlatParameters`: making a second moves them again.
public final class FlatParameters {
    public let layout: FlatLayout
    /// The parameters, now views of `values`.
    public let named: NamedTensors
    /// Every parameter's values end to end.
    public let values: Tensor
    /// Every parameter's gradient end to end (what `setGradients` or a backward pass
    /// into `gradientViews` last stored).
    public let gradients: Tensor
    /// Views of `gradients` in each parameter's shape: a backward pass writes the
    /// gradients here directly (`GradientSink`).
    public let gradientViews: [Tensor]

    public init(_ parameters: NamedTensors) {
        layout = FlatLayout(parameters)
        named = parameters
        values = Tensor.zeros([Swift.max(layout.count, 1)])
        gradients = Tensor.zeros([Swift.max(layout.count, 1)])
        for (index, parameter) in parameters.enumerated() {
            parameter.tensor.relocate(into: values, at: layout.offsets[index])
        }
        let (gradients, layout) = (gradients, layout)
        gradientViews = layout.shapes.indices.map { gradients.view(offset: layout.offsets[$0], shape: layout.shapes[$0]) }
    }

    /// Copies one gradient per parameter (nil: the parameter got none, so zeros) into `gradients`.
    public func setGradients(_ perParameter: [Tensor?]) {
        precondition(perParameter.count == layout.shapes.count, "setGradients: \(perParameter.count) gradients for \(layout.shapes.count) parameters")
        gradients.withMutableScalars { flat in
            for (index, gradient) in perParameter.enumerated() {
                let destination = UnsafeMutableBufferPointer(rebasing: flat[layout.elements(of: index)])
                guard let gradient else {
                    destination.update(repeating: 0)
                    continue
                }
                precondition(
                    gradient.shape == layout.shapes[index],
                    "setGradients: gradient of '\(layout.names[index])' has shape \(gradient.shape), expected \(layout.shapes[index])")
                gradient.withScalars { _ = destination.update(fromContentsOf: $0) }
            }
        }
    }

    /// Views of a flat per-element state buffer in the parameters' shapes, named
    /// "<parameter>.<kind>" as PyTorch names optimizer state ("0.weight.exp_avg").
    public func namedViews(of flat: Tensor, kind: String) -> NamedTensors {
        NamedTensors(layout.names.indices.map { index in
            (name: "\(layout.names[index]).\(kind)", tensor: flat.view(offset: layout.offsets[index], shape: layout.shapes[index]))
        })
    }

    /// A zero-filled buffer in this layout (optimizer moments).
    func zeroState() -> Tensor {
        Tensor.zeros([Swift.max(layout.count, 1)])
    }
}

/// Strict restore shared by the optimizers: checks every name and shape (the
/// scalar "step" included), then copies the values and returns the step count.
func restoreOptimizerState(_ state: [String: Tensor], into tensors: NamedTensors) throws(OptimizerError) -> Int {
    let step = Tensor.zeros([])
    if let mismatch = StateMismatch.find(expected: tensors + [(name: "step", tensor: step)], given: state) {
        throw OptimizerError(mismatch)
    }
    let stepValue = state["step"]?.item ?? 0
    guard stepValue >= 0, stepValue == stepValue.rounded(), stepValue < 16_777_216 else {
        throw OptimizerError.invalidStep(stepValue)
    }
    for (name, tensor) in tensors {
        if let saved = state[name] { tensor.assign(saved) }
    }
    return Int(stepValue)
}

/// The scalar "step" entry of an optimizer's state.
func stepEntry(_ stepCount: Int) -> NamedTensors.Element {
    (name: "step", tensor: Tensor(Float(stepCount)))
}
