import Autograd
import Foundation
import GAN
import NN

/// Measures the Autograd engine against the BLAS it runs on: Tensor matmul beside
/// raw cblas_sgemm on the same shapes, and one WGAN-GP critic update of the
/// reference toy critic as achieved sgemm GFLOP/s against the measured sgemm peak.
public struct OpsBenchmark {
    /// Median seconds of the Tensor op and of raw sgemm for one shape, measured alternately.
    public struct MatmulTiming: Sendable {
        public let m: Int, n: Int, k: Int
        public let tensorSeconds: Double
        public let rawSeconds: Double
        public var rawGigaflopsPerSecond: Double { 2 * Double(m * n * k) / rawSeconds / 1e9 }
        public var tensorGigaflopsPerSecond: Double { 2 * Double(m * n * k) / tensorSeconds / 1e9 }
    }

    public struct CriticUpdateTiming: Sendable {
        public let seconds: Double
        public let gemmFlops: Int
        public var gigaflopsPerSecond: Double { Double(gemmFlops) / seconds / 1e9 }
    }

    public let repetitions: Int

    public init(repetitions: Int = 20) {
        self.repetitions = repetitions
    }

    public func matmul(m: Int, n: Int, k: Int) -> MatmulTiming {
        let a = RandomStream(seed: 1, purpose: "bench.a").normal(rows: m, columns: k)
        let b = RandomStream(seed: 1, purpose: "bench.b").normal(rows: k, columns: n)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        defer { c.deallocate() }
        var tensorTimes: [Double] = []
        var rawTimes: [Double] = []
        for round in 0..<(repetitions + 2) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = withoutGradients { Autograd.matmul(a, b) }
            let t1 = DispatchTime.now().uptimeNanoseconds
            a.withScalars { pa in b.withScalars { pb in rawSgemm(m: m, n: n, k: k, a: pa.baseAddress!, b: pb.baseAddress!, c: c) } }
            let t2 = DispatchTime.now().uptimeNanoseconds
            if round >= 2 {
                tensorTimes.append(Double(t1 - t0) * 1e-9)
                rawTimes.append(Double(t2 - t1) * 1e-9)
            }
        }
        return MatmulTiming(m: m, n: n, k: k, tensorSeconds: median(tensorTimes), rawSeconds: median(rawTimes))
    }

    /// One critic update of gan_toy.py's critic (2-512-512-512-1 ReLU MLP): critic on 256
    /// real and 256 generated points, gradient penalty (λ 0.1) with a double backward, Adam step.
    public func criticUpdate() throws -> CriticUpdateTiming {
        let critic = try ModelBuilders.mlpCritic(inputDimension: 2, width: 512, seed: 1)
        let parameters = critic.namedParameters
        let optimizer = try Adam(parameters: parameters, learningRate: 1e-4, betas: (0.5, 0.9))
        let real = RandomStream(seed: 2, purpose: "bench.real").normal(rows: 256, columns: 2)
        let fake = RandomStream(seed: 2, purpose: "bench.fake").normal(rows: 256, columns: 2)
        let penalty = GradientPenalty(weight: 0.1)
        func update() {
            let outputs = critic(concat([real, fake], axis: 0))
            let objective = Objective.wasserstein.criticTerms(real: outputs.slice(axis: 0, 0..<256), fake: outputs.slice(axis: 0, 256..<512))
            let terms = penalty.terms(PenaltyInputs(critic: { critic($0) }, real: real, fake: fake, seed: 3, criticStep: 0, firstRow: 0))
            let loss = (objective.sum() + terms.sum()) * (1 / 256)
            optimizer.step(gradients: gradients(of: loss, wrt: parameters.map(\.tensor)))
        }
        for _ in 0..<3 { update() }
        GEMMCounter.reset()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<repetitions { update() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 / Double(repetitions)
        return CriticUpdateTiming(seconds: seconds, gemmFlops: GEMMCounter.flops / repetitions)
    }

    private func median(_ values: [Double]) -> Double {
        values.sorted()[values.count / 2]
    }
}
