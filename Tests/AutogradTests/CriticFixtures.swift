@testable import Autograd

/// Small critics written directly with Autograd ops, as a function of an explicit
/// parameter list, and the WGAN-GP critic loss built on them.
struct CriticFixture {
    /// Parameters in order; `critic(parameters, x)` gives one score per sample ([n, 1]).
    var parameters: [Tensor]
    let critic: ([Tensor], Tensor) -> Tensor
    /// The tensors that enter a kink (ReLU, leaky ReLU) for a batch, to keep finite differences off them.
    let kinkInputs: ([Tensor], Tensor) -> [Tensor]

    /// 2 → 16 → 16 → 1 with ReLU, from `linear` ([out, in] weights).
    static func mlp(salt: Int) -> CriticFixture {
        let shapes = [[16, 2], [16], [16, 16], [16], [1, 16], [1]]
        let parameters = shapes.enumerated().map { i, shape in
            randomTensor(shape, salt: salt * 10 + i, scale: shape.count == 2 ? 1 / Float(shape[1]).squareRoot() : 0.5)
        }
        func layers(_ p: [Tensor], _ x: Tensor) -> (Tensor, Tensor, Tensor) {
            let z1 = linear(x, weight: p[0], bias: p[1])
            let z2 = linear(z1.relu(), weight: p[2], bias: p[3])
            return (z1, z2, linear(z2.relu(), weight: p[4], bias: p[5]))
        }
        return CriticFixture(
            parameters: parameters, critic: { layers($0, $1).2 },
            kinkInputs: { p, x in
                let (z1, z2, _) = layers(p, x)
                return [z1, z2]
            })
    }

    /// conv 1→4 (3x3, stride 2, padding 1) → leakyReLU(0.2) → conv 4→3 (3x3, padding 1) → flatten → linear → 1.
    static func convolutional(salt: Int) -> CriticFixture {
        let shapes = [[4, 1, 3, 3], [4], [3, 4, 3, 3], [3], [1, 27], [1]]
        let fanIn = [9, 1, 36, 1, 27, 1]
        let parameters = shapes.enumerated().map { i, shape in
            randomTensor(shape, salt: salt * 10 + i, scale: fanIn[i] > 1 ? 1 / Float(fanIn[i]).squareRoot() : 0.5)
        }
        func layers(_ p: [Tensor], _ x: Tensor) -> (Tensor, Tensor) {
            let z1 = conv2d(x, weight: p[0], bias: p[1], stride: 2, padding: 1)
            let z2 = conv2d(z1.leakyReLU(slope: 0.2), weight: p[2], bias: p[3], padding: 1)
            return (z1, linear(z2.flattenedBatch(), weight: p[4], bias: p[5]))
        }
        return CriticFixture(parameters: parameters, critic: { layers($0, $1).1 }, kinkInputs: { [layers($0, $1).0] })
    }
}

/// A batch for the critic loss: real and fake samples and the interpolation weights.
struct CriticBatch {
    let real: Tensor
    let fake: Tensor
    /// [n, 1, ...]: one α per sample, broadcast over the sample's features.
    let alpha: Tensor

    /// x̂ = α·real + (1 − α)·fake, as a leaf whose gradient the penalty takes.
    var interpolated: Tensor { (alpha * real + (1 - alpha) * fake).requiringGrad() }

    init(real: Tensor, fake: Tensor, alpha: Tensor) {
        (self.real, self.fake, self.alpha) = (real, fake, alpha)
    }

    /// A fixed random batch of `count` samples of `sampleShape`.
    init(sampleShape: [Int], count: Int, salt: Int) {
        let features = sampleShape.reduce(1, *)
        real = randomTensor([count] + sampleShape, salt: salt, shift: 1)
        fake = randomTensor([count] + sampleShape, salt: salt + 1, scale: 0.7)
        alpha = RandomStream(seed: UInt64(salt), purpose: "alpha").uniform(rows: count, columns: 1)
            .reshaped([count] + [Int](repeating: 1, count: sampleShape.count))
        precondition(real.count == count * features)
    }
}

/// L = mean D(fake) − mean D(real) + λ · mean((‖∇ₓ D(x̂)‖₂ − 1)²), the gradient taken with createGraph.
func wassersteinGradientPenaltyLoss(
    _ fixture: CriticFixture, _ parameters: [Tensor], _ batch: CriticBatch, lambda: Float = 10, includeCriticTerms: Bool = true
) -> Tensor {
    let interpolated = batch.interpolated
    let scores = fixture.critic(parameters, interpolated)
    let inputGradient = gradients(of: scores.sum(), wrt: [interpolated], createGraph: true)[0]
    let penalty = (inputGradient.flattenedBatch().norm(axis: 1) - 1).square().mean() * lambda
    guard includeCriticTerms else { return penalty }
    return fixture.critic(parameters, batch.fake).mean() - fixture.critic(parameters, batch.real).mean() + penalty
}
