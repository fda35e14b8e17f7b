import Autograd

/// DRAGAN (Kodali et al. 2017): a gradient penalty weight · (‖∇D(x̂)‖₂ − 1)² around the
/// real data, at x̂ = α·x + (1 − α)·x_p with x_p = x + 0.5·σ·u, u ~ U[0, 1) per
/// element and σ the standard deviation of the global real batch (as the
/// authors' code perturbs). σ is summed across ranks, so it does not depend on
/// how the batch is split.
public struct DRAGANPenalty: CriticPenalty {
    public let weight: Float

    public init(weight: Float) {
        self.weight = weight
    }

    public func terms(_ inputs: PenaltyInputs) -> Tensor {
        let real = inputs.real
        let n = real.shape[0]
        let width = real.count / Swift.max(n, 1)
        let sigma = globalStandardDeviation(real, sumAcrossRanks: inputs.sumAcrossRanks)
        let noise = RandomStream(seed: inputs.seed, purpose: "dragan.noise", step: inputs.criticStep)
            .uniform(rows: n, columns: width, firstRow: inputs.firstRow).reshaped(real.shape)
        let alpha = inputs.perSampleUniform("dragan.alpha").reshaped(columnShape(real))
        let points = withoutGradients {
            let perturbed = real + noise * (0.5 * sigma)
            return alpha * real + (1 - alpha) * perturbed
        }
        return (inputGradientNorms(critic: inputs.critic, at: points) - 1).square() * weight
    }

    private func globalStandardDeviation(_ x: Tensor, sumAcrossRanks: ([Double]) -> [Double]) -> Float {
        let moments = x.withScalars { values -> [Double] in
            var sum = 0.0
            var squares = 0.0
            for v in values {
                sum += Double(v)
                squares += Double(v) * Double(v)
            }
            return [Double(values.count), sum, squares]
        }
        let total = sumAcrossRanks(moments)
        guard total[0] > 1 else { return 0 }
        let mean = total[1] / total[0]
        let variance = (total[2] - total[0] * mean * mean) / (total[0] - 1)
        return Float(Swift.max(variance, 0).squareRoot())
    }
}
