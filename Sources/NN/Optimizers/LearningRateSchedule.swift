/// How the learning rate moves with the step number.
public enum LearningRateSchedule: Sendable, Hashable {
    /// The base rate throughout.
    case constant
    /// The base rate until `startStep`, then a straight line down to base · `finalFactor`
    /// at `endStep`, held from there on (WGAN-GP's toy and CIFAR runs decay to 0).
    case linearDecay(startStep: Int, endStep: Int, finalFactor: Float)

    /// The learning rate for step `step` (0-based) given the base rate.
    public func rate(base: Float, step: Int) -> Float {
        switch self {
        case .constant:
            return base
        case .linearDecay(let start, let end, let finalFactor):
            if step <= start { return base }
            if step >= end { return base * finalFactor }
            let progress = Float(step - start) / Float(end - start)
            return base * (1 + (finalFactor - 1) * progress)
        }
    }
}

extension LearningRateSchedule {
    /// The schedules a configuration can name.
    public enum Kind: String, CaseIterable, Sendable {
        case constant
        /// Linear decay to 0 over the run.
        case linear
    }

    /// `kind` over a run of `steps` updates.
    public init(_ kind: Kind, steps: Int) {
        switch kind {
        case .constant: self = .constant
        case .linear: self = .linearDecay(startStep: 0, endStep: steps, finalFactor: 0)
        }
    }
}
