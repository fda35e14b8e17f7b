import Autograd
import GAN
import XCTest

/// A critic on 2-D points with explicit parameter tensors.
private protocol TestCritic {
    var parameters: [Tensor] { get }
    func callAsFunction(_ x: Tensor) -> Tensor
}

/// A two-layer tanh critic whose input-gradient norm varies across the test samples (0.94 to 1.23).
private struct TinyCritic: TestCritic {
    let w1 = Tensor(shape: [3, 2], scalars: [0.5, -0.3, 0.8, 0.2, -0.6, 0.4]).requiringGrad()
    let b1 = Tensor([0.1, -0.2, 0.05]).requiringGrad()
    let w2 = Tensor(shape: [1, 3], scalars: [1.309, -1.683, 0.748]).requiringGrad()
    var parameters: [Tensor] { [w1, b1, w2] }

    func callAsFunction(_ x: Tensor) -> Tensor {
        linear(linear(x, weight: w1, bias: b1).tanh(), weight: w2, bias: nil)
    }
}

/// D(x) = ½ xᵀAx + b·x with A symmetric: ∇D(x) = Ax + b, a gradient that changes along every
/// interpolation line, so the penalty's value depends on where α puts the sample.
private struct QuadraticCritic: TestCritic {
    static let a: [Double] = [1.6, 0.5, 0.5, 0.9]
    static let b: [Double] = [0.3, -0.2]
    let matrix = Tensor(shape: [2, 2], scalars: QuadraticCritic.a.map(Float.init)).requiringGrad()
    let vector = Tensor(shape: [1, 2], scalars: QuadraticCritic.b.map(Float.init)).requiringGrad()
    var parameters: [Tensor] { [matrix, vector] }

    func callAsFunction(_ x: Tensor) -> Tensor {
        (linear(x, weight: matrix, bias: nil) * x).sum(axes: [1], keepDims: true) * 0.5 + linear(x, weight: vector, bias: nil)
    }

    /// ‖A x + b‖ in Double, independently of the engine.
    static func gradientNorm(_ x: [Double]) -> Double {
        let g0: Double = a[0] * x[0] + a[1] * x[1] + b[0]
        let g1: Double = a[2] * x[0] + a[3] * x[1] + b[1]
        return (g0 * g0 + g1 * g1).squareRoot()
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

    /// The interpolates x̂ = α·real + (1 − α)·fake with the same α the penalty draws
    /// (keyed by seed 11, critic step 3, global row), computed in Double.
    private func interpolates() -> [[Double]] {
        let alpha = RandomStream(seed: 11, purpose: "gp.alpha", step: 3).uniform(rows: 4, columns: 1).scalars.map(Double.init)
        let (r, f) = (real.scalars.map(Double.init), fake.scalars.map(Double.init))
        return (0..<4).map { i -> [Double] in
            let weight: Double = alpha[i]
            return [weight * r[2 * i] + (1 - weight) * f[2 * i], weight * r[2 * i + 1] + (1 - weight) * f[2 * i + 1]]
        }
    }

    func testGradientPenaltiesOfACriticWhoseGradientNormCrossesOneMatchTheClosedForm() {
        let critic = QuadraticCritic()
        let norms = interpolates().map(QuadraticCritic.gradientNorm)
        XCTAssertTrue(norms.contains { $0 > 1.1 } && norms.contains { $0 < 0.9 }, "the norms must cross 1: \(norms)")
        let twoSided = GradientPenalty(weight: 10).terms(inputs { critic($0) }).scalars
        let oneSided = GradientPenalty(weight: 10, oneSided: true).terms(inputs { critic($0) }).scalars
        for (i, norm) in norms.enumerated() {
            XCTAssertEqual(Double(twoSided[i]), 10 * (norm - 1) * (norm - 1), accuracy: 1e-4 * max(1, 10 * (norm - 1) * (norm - 1)), "sample \(i)")
            XCTAssertEqual(Double(oneSided[i]), 10 * pow(max(0, norm - 1), 2), accuracy: 1e-4 * max(1, 10 * (norm - 1) * (norm - 1)), "sample \(i)")
            // Below 1 the one-sided term is exactly 0; above it equals the two-sided one.
            if norm < 1 { XCTAssertEqual(oneSided[i], 0) } else { XCTAssertEqual(oneSided[i], twoSided[i]) }
        }
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
        let critics: [(String, () -> any TestCritic)] = [("tanh critic", { TinyCritic() }), ("quadratic critic", { QuadraticCritic() })]
        for (criticName, makeCritic) in critics {
            // The gradient norm at the interpolates crosses 1, so the one-sided penalty is not 0 everywhere.
            let probe = makeCritic()
            let x = Tensor(shape: [4, 2], scalars: interpolates().flatMap { $0.map(Float.init) }).requiringGrad()
            let norms = gradients(of: probe(x).sum(), wrt: [x])[0].norm(axis: 1).scalars
            XCTAssertTrue(norms.contains { $0 > 1.05 } && norms.contains { $0 < 0.95 }, "\(criticName): norms \(norms) must cross 1")
            for (name, penalty) in penalties {
                let critic = makeCritic()
                let loss = penalty.terms(inputs { critic($0) }).sum()
                let analytic = gradients(of: loss, wrt: critic.parameters)
                var largest = 0.0
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
                        // Central differences refined by Richardson extrapolation (truncation error O(h⁴)).
                        func difference(_ step: Float) -> Double { (evaluate(values[i] + step) - evaluate(values[i] - step)) / Double(2 * step) }
                        let numeric = (4 * difference(h / 2) - difference(h)) / 3
                        largest = max(largest, Swift.abs(numeric))
                        let exact = Double(analytic[p].scalars[i])
                        XCTAssertEqual(exact, numeric, accuracy: 3e-3 * max(1, Swift.abs(numeric)), "\(criticName), \(name): parameter \(p)[\(i)]")
                    }
                }
                XCTAssertGreaterThan(largest, 1e-2, "\(criticName), \(name): every numeric gradient is ~0, the check is vacuous")
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
