import Autograd
import GAN
import XCTest

/// A two-layer tanh critic on 2-D points with explicit parameter tensors.
private struct TinyCritic {
    let w1 = Tensor(shape: [3, 2], scalars: [0.5, -0.3, 0.8, 0.2, -0.6, 0.4]).requiringGrad()
    let b1 = Tensor([0.1, -0.2, 0.05]).requiringGrad()
    let w2 = Tensor(shape: [1, 3], scalars: [0.7, -0.9, 0.4]).requiringGrad()
    var parameters: [Tensor] { [w1, b1, w2] }

    func callAsFunction(_ x: Tensor) -> Tensor {
        linear(linear(x, weight: w1, bias: b1).tanh(), weight: w2, bias: nil)
    }
}

final class PenaltyTests: XCTestCase {
    private let real = Tensor(shape: [4, 2], scalars: [0.3, -0.2, 1.1, 0.4, -0.7, 0.9, 0.05, -1.2])
    private let fake = Tensor(shape: [4, 2], scalars: [-0.4, 0.6, 0.2, 0.1, 0.8, -0.3, -1.0, 0.5])

    private func inputs(_ critic: @escaping (Tensor) -> Tensor, step: Int = 3, firstRow: Int = 0, real: Tensor? = nil, fake: Tensor? = nil) -> PenaltyInputs {
        PenaltyInputs(critic: critic, real: real ?? self.real, fake: fake ?? self.fake, seed: 11, criticStep: step, firstRow: firstRow)
    }

    func testGradientPenaltyOfALinearCriticIsItsSlopeNormMinusOneSquared() {
        // D(x) = w·x has ∇D = w everywhere: the penalty is λ(‖w‖ − 1)² for every sample.
        let w = Tensor(shape: [1, 2], scalars: [3, 4])
        let critic: (Tensor) -> Tensor = { linear($0, weight: w, bias: nil) }
        let terms = GradientPenalty(weight: 10).terms(inputs(critic))
        XCTAssertEqual(terms.shape, [4])
        for t in terms.scalars { XCTAssertEqual(t, 10 * 16, accuracy: 1e-3) }
    }

    func testOneSidedGradientPenaltyIgnoresNormsBelowOne() {
        let w = Tensor(shape: [1, 2], scalars: [0.3, 0.4])
        let critic: (Tensor) -> Tensor = { linear($0, weight: w, bias: nil) }
        XCTAssertEqual(GradientPenalty(weight: 10, oneSided: true).terms(inputs(critic)).scalars, [0, 0, 0, 0])
        XCTAssertEqual(GradientPenalty(weight: 10).terms(inputs(critic)).scalars[0], 10 * 0.25, accuracy: 1e-5)
    }

    func testR1AndR2AreHalfGammaTimesTheSquaredNormOnTheirSide() {
        // D(x) = Σ x²: ∇D = 2x, so R1 = γ/2 · 4‖x_real‖², R2 the same on fake samples.
        let critic: (Tensor) -> Tensor = { $0.square().sum(axes: [1], keepDims: true) }
        let r1 = ZeroCenteredPenalty(gamma: 10, on: .real).terms(inputs(critic)).scalars
        let r2 = ZeroCenteredPenalty(gamma: 10, on: .fake).terms(inputs(critic)).scalars
        for i in 0..<4 {
            let xr = real.scalars[(2 * i)..<(2 * i + 2)].reduce(0) { $0 + $1 * $1 }
            let xf = fake.scalars[(2 * i)..<(2 * i + 2)].reduce(0) { $0 + $1 * $1 }
            XCTAssertEqual(r1[i], 5 * 4 * xr, accuracy: 1e-4)
            XCTAssertEqual(r2[i], 5 * 4 * xf, accuracy: 1e-4)
        }
    }

    func testPenaltyParameterGradientsMatchFiniteDifferences() {
        let penalties: [(String, any CriticPenalty)] = [
            ("gp", GradientPenalty(weight: 10)), ("gp one-sided", GradientPenalty(weight: 10, oneSided: true)),
            ("r1", ZeroCenteredPenalty(gamma: 10, on: .real)), ("r2", ZeroCenteredPenalty(gamma: 10, on: .fake)),
            ("dragan", DRAGANPenalty(weight: 10)),
        ]
        for (name, penalty) in penalties {
            let critic = TinyCritic()
            let loss = penalty.terms(inputs { critic($0) }).sum()
            let analytic = gradients(of: loss, wrt: critic.parameters)
            for (p, parameter) in critic.parameters.enumerated() {
                let values = parameter.scalars
                for i in values.indices {
                    let h: Float = 1e-2
                    func evaluate(_ v: Float) -> Double {
                        var changed = values
                        changed[i] = v
                        parameter.assign(Tensor(shape: parameter.shape, scalars: changed))
                        let value = penalty.terms(inputs { critic($0) }).scalars.reduce(0.0) { $0 + Double($1) }
                        parameter.assign(Tensor(shape: parameter.shape, scalars: values))
                        return value
                    }
                    let numeric = (evaluate(values[i] + h) - evaluate(values[i] - h)) / Double(2 * h)
                    let exact = Double(analytic[p].scalars[i])
                    XCTAssertEqual(exact, numeric, accuracy: 3e-3 * max(1, Swift.abs(numeric)), "\(name): parameter \(p)[\(i)]")
                }
            }
        }
    }

    func testInterpolationWeightsBelongToGlobalSamplesNotToRanks() {
        // Rows 2..3 of a batch, computed alone with firstRow 2, equal rows 2..3 of the whole batch.
        let critic = TinyCritic()
        let whole = GradientPenalty(weight: 10).terms(inputs { critic($0) }).scalars
        let part = GradientPenalty(weight: 10).terms(
            inputs({ critic($0) }, firstRow: 2, real: real.slice(axis: 0, 2..<4), fake: fake.slice(axis: 0, 2..<4))).scalars
        XCTAssertEqual(part, Array(whole[2..<4]))
    }

    func testDRAGANPerturbationScaleUsesTheGlobalBatchAcrossRanks() {
        // Two halves whose statistics are summed "across ranks" give the whole batch's terms.
        let critic = TinyCritic()
        let whole = DRAGANPenalty(weight: 10).terms(inputs { critic($0) }).scalars
        let halves = [0..<2, 2..<4].map { range -> [Float] in
            let other = range.lowerBound == 0 ? 2..<4 : 0..<2
            let otherMoments = self.real.slice(axis: 0, other).scalars.reduce(into: [0.0, 0.0, 0.0]) { m, v in
                m[0] += 1
                m[1] += Double(v)
                m[2] += Double(v) * Double(v)
            }
            let shard = PenaltyInputs(
                critic: { critic($0) }, real: real.slice(axis: 0, range), fake: fake.slice(axis: 0, range), seed: 11, criticStep: 3,
                firstRow: range.lowerBound, sumAcrossRanks: { mine in zip(mine, otherMoments).map(+) })
            return DRAGANPenalty(weight: 10).terms(shard).scalars
        }
        for (a, b) in zip(whole, halves.flatMap { $0 }) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    func testLazyPenaltyRunsEveryKStepsAndScalesByK() {
        let critic = TinyCritic()
        let base = GradientPenalty(weight: 10)
        let lazy = LazyPenalty(base, every: 4)
        XCTAssertEqual((0..<9).filter(lazy.isActive(atCriticStep:)), [0, 4, 8])
        let plain = base.terms(inputs { critic($0) }).scalars
        let scaled = lazy.terms(inputs { critic($0) }).scalars
        for (p, s) in zip(plain, scaled) { XCTAssertEqual(s, 4 * p, accuracy: 1e-4) }
    }

    func testWeightClippingClampsEveryParameter() {
        let p = Tensor([-0.5, 0.005, 0.2]).requiringGrad()
        WeightClipping(limit: 0.01).apply(to: [p])
        XCTAssertEqual(p.scalars, [-0.01, 0.005, 0.01])
    }
}
