import Autograd

/// The parameters an optimizer updates and the bookkeeping all optimizers share.
struct OptimizedParameters {
    let names: [String]
    let tensors: [Tensor]
    /// Where each parameter starts when all are laid end to end, and their total size.
    let offsets: [Int]
    let elementCount: Int

    init(_ parameters: [(name: String, tensor: Tensor)]) {
        names = parameters.map(\.name)
        tensors = parameters.map(\.tensor)
        var running = 0
        offsets = tensors.map { tensor in
            defer { running += tensor.count }
            return running
        }
        elementCount = running
    }

    /// The parameters that overlap `elements` (a range of all parameters laid end to
    /// end), each with the overlapping range of its own elements.
    func segments(within elements: Range<Int>) -> [(index: Int, range: Range<Int>)] {
        tensors.indices.compactMap { index in
            let start = Swift.max(elements.lowerBound, offsets[index])
            let end = Swift.min(elements.upperBound, offsets[index] + tensors[index].count)
            return start < end ? (index, (start - offsets[index])..<(end - offsets[index])) : nil
        }
    }

    /// Zero-filled state of each parameter's shape.
    func zerosLikeParameters() -> [Tensor] {
        tensors.map { Tensor.zeros($0.shape) }
    }

    /// "<parameter>.<kind>" for each parameter, paired with its state tensor.
    func named(_ kind: String, _ state: [Tensor]) -> [(name: String, tensor: Tensor)] {
        zip(names, state).map { (name: "\($0).\(kind)", tensor: $1) }
    }

    /// Traps unless the gradients line up with the parameters (a programmer error).
    func checkGradients(_ gradients: [Tensor], optimizer: String) {
        precondition(
            gradients.count == tensors.count,
            "\(optimizer).step: \(gradients.count) gradients for \(tensors.count) parameters")
        for (index, gradient) in gradients.enumerated() where gradient.shape != tensors[index].shape {
            preconditionFailure(
                "\(optimizer).step: gradient \(gradient.shape) does not match parameter '\(names[index])' "
                    + "\(tensors[index].shape)")
        }
    }
}

/// Strict restore shared by the optimizers: checks every name and shape (the
/// scalar "step" included), then copies the values and returns the step count.
func restoreOptimizerState(
    _ state: [String: Tensor], into tensors: [(name: String, tensor: Tensor)]
) throws(OptimizerError) -> Int {
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
func stepEntry(_ stepCount: Int) -> (name: String, tensor: Tensor) {
    (name: "step", tensor: Tensor(Float(stepCount)))
}
