import Autograd
import GAN

/// What the adversarial method's critic sees through: DiffAugment or ADA applied to
/// every critic input (the real and generated batches of the critic step, the points
/// of its penalty, the generator step's samples), each with its own per-sample draws
/// keyed by (seed, "augment.<input>", phase step, global sample index).
///
/// ADA's p is state of the whole job: every critic step sums (count, Σ sign D(real))
/// over the ranks (two numbers), so the running totals, and the p they move every
/// `interval` critic steps, are the same on every rank and can be checkpointed as they are.
public final class CriticAugmentation {
    /// The inputs the critic sees, each drawing its own augmentation.
    public enum Input: String, Sendable {
        case real, fake, penalty, generated
    }

    public let settings: AugmentSettings
    /// ADA's probability; fixed at 1 for DiffAugment (which has none).
    public private(set) var probability: Float
    /// ADA: signs of the critic on real samples since p last moved, summed over ranks, and their count.
    public private(set) var signSum: Double = 0
    public private(set) var signCount: Double = 0

    init?(_ settings: AugmentSettings) {
        guard settings.kind != .none else { return nil }
        self.settings = settings
        probability = settings.kind == .ada ? settings.initialProbability : 1
    }

    /// `images` ([n, C, H, W], this rank's rows of the global batch) as the critic sees them.
    func callAsFunction(_ images: Tensor, _ input: Input, _ context: StepContext) -> Tensor {
        let draws = AugmentDraws(seed: context.seed, purpose: "augment.\(input.rawValue)", step: context.phaseStep, firstRow: context.shard.lowerBound)
        switch settings.kind {
        case .none: return images
        case .diffaugment: return DiffAugment(policy: settings.policy)(images, draws: draws)
        case .ada: return AdaptiveAugment(probability: probability)(images, draws: draws)
        }
    }

    /// ADA: adds this critic step's signs of the critic on (augmented) real samples,
    /// summed over ranks, and moves p at the end of every `interval` critic steps.
    /// Returns the values to log: p and the step's mean sign (each this rank's share).
    func observe(realOutputs: Tensor, _ context: StepContext) -> [(name: String, value: Double)] {
        guard settings.kind == .ada else { return [] }
        let local = realOutputs.scalars.reduce(0.0) { $0 + ($1 > 0 ? 1 : ($1 < 0 ? -1 : 0)) }
        let global = context.collectives.sum([Double(realOutputs.count), local])
        signCount += global[0]
        signSum += global[1]
        let logged = [("ada_p", Double(probability) / Double(context.collectives.size)), ("ada_sign_real", local * Double(context.share))]
        if (context.phaseStep + 1) % settings.interval == 0 {
            probability = AdaptiveAugment.nextProbability(
                probability, meanSign: signSum / max(signCount, 1), target: settings.target, images: context.globalBatch * settings.interval,
                kimg: settings.kimg)
            (signSum, signCount) = (0, 0)
        }
        return logged
    }

    /// ADA's state for checkpoints: p and the running sums (empty for DiffAugment).
    var state: NamedTensors {
        guard settings.kind == .ada else { return [] }
        return [("ada.p", Tensor([probability])), ("ada.sign_sum", Tensor([Float(signSum)])), ("ada.sign_count", Tensor([Float(signCount)]))]
    }

    func restore(_ state: [String: Tensor]) throws {
        guard settings.kind == .ada else { return }
        var values: [Float] = []
        for name in ["ada.p", "ada.sign_sum", "ada.sign_count"] {
            guard let tensor = state[name], tensor.count == 1 else {
                throw AugmentStateError.missing(name: name)
            }
            values.append(tensor.item)
        }
        guard (0...1).contains(values[0]) else { throw AugmentStateError.outOfRange(p: values[0]) }
        (probability, signSum, signCount) = (values[0], Double(values[1]), Double(values[2]))
    }
}

/// A checkpoint whose method state cannot be ADA's.
enum AugmentStateError: Error, CustomStringConvertible {
    case missing(name: String)
    case outOfRange(p: Float)

    var description: String {
        switch self {
        case .missing(let name): "holds no ADA state ('\(name)'); it was not written by an augment.kind ada run"
        case .outOfRange(let p): "ADA's p is \(p), outside [0, 1]"
        }
    }
}
