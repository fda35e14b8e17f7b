import Autograd
import Foundation
import GAN
import NN

/// What augmenting the critic's inputs costs: one critic update of the r1-mnist setup
/// (DCGAN critic, DIM 64, 28x28, non-saturating loss, R1 γ 10 with its double backward,
/// Adam) on `batch` real and `batch` generated images, with no augmentation, DiffAugment
/// (color, translation, cutout) and ADA at p = 1 (every transform on every sample),
/// measured in turn so that a change in the machine's load touches all three alike.
public struct AugmentBenchmark {
    public enum Variant: String, CaseIterable, Sendable {
        case none, diffaugment, ada
    }

    public let batch: Int
    public let repetitions: Int

    public init(batch: Int = 32, repetitions: Int = 10) {
        self.batch = batch
        self.repetitions = repetitions
    }

    /// Median seconds of one critic update per variant, and of the augmentation of one batch alone.
    public func run() throws -> [(variant: Variant, update: Double, augmentation: Double)] {
        let critic = try ModelBuilders.dcganCritic(seed: 1)
        let parameters = critic.namedParameters
        let optimizer = try Adam(parameters: parameters, learningRate: 1e-4, betas: (0, 0.99))
        let real = RandomStream(seed: 2, purpose: "bench.real").uniform(rows: batch, columns: 784).reshaped([batch, 1, 28, 28])
        let fake = RandomStream(seed: 2, purpose: "bench.fake").uniform(rows: batch, columns: 784).reshaped([batch, 1, 28, 28])
        func augment(_ variant: Variant, _ x: Tensor, _ purpose: String, _ step: Int) -> Tensor {
            let draws = AugmentDraws(seed: 3, purpose: purpose, step: step, firstRow: 0)
            switch variant {
            case .none: return x
            case .diffaugment: return DiffAugment(policy: DiffAugmentTransform.allCases)(x, draws: draws)
            case .ada: return AdaptiveAugment(probability: 1)(x, draws: draws)
            }
        }
        func update(_ variant: Variant, _ step: Int) {
            let outputs = critic(concat([augment(variant, real, "real", step), augment(variant, fake, "fake", step)], axis: 0))
            let objective = Objective.nonSaturating.criticTerms(real: outputs.slice(axis: 0, 0..<batch), fake: outputs.slice(axis: 0, batch..<(2 * batch)))
            let inputs = PenaltyInputs(
                critic: { critic(augment(variant, $0, "penalty", step)) }, real: real, fake: fake, seed: 3, criticStep: step, firstRow: 0)
            let loss = (objective.sum() + ZeroCenteredPenalty(gamma: 10, on: .real).terms(inputs).sum()) * (1 / Float(batch))
            optimizer.step(gradients: gradients(of: loss, wrt: parameters.map(\.tensor)))
        }
        var updates = [Variant: [Double]]()
        var augmentations = [Variant: [Double]]()
        for round in 0..<(repetitions + 1) {
            for variant in Variant.allCases {
                let t0 = DispatchTime.now().uptimeNanoseconds
                update(variant, round)
                let t1 = DispatchTime.now().uptimeNanoseconds
                _ = withoutGradients { augment(variant, real, "alone", round) }
                let t2 = DispatchTime.now().uptimeNanoseconds
                guard round > 0 else { continue }
                updates[variant, default: []].append(Double(t1 - t0) * 1e-9)
                augmentations[variant, default: []].append(Double(t2 - t1) * 1e-9)
            }
        }
        return Variant.allCases.map { ($0, median(updates[$0] ?? []), median(augmentations[$0] ?? [])) }
    }

    private func median(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.sorted()[values.count / 2]
    }
}
