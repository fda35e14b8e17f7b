import Autograd
import Foundation

/// The 2-D toy distributions GAN papers use to show mode coverage, built as the
/// reference code builds them: `8gaussians`, `25gaussians` and `swissroll` as in
/// WGAN-GP's gan_toy.py (Gulrajani et al. 2017), `ring` and `grid` as in
/// PacGAN (Lin et al. 2018) and VEEGAN (Srivastava et al. 2017).
///
/// A generator, not a finite set: sample i is a pure function of (seed, i), so
/// any rank can draw any index and the global batch does not depend on the
/// number of ranks.
public final class ToyMixture: Dataset {
    /// Which toy distribution.
    public enum Kind: String, Sendable, CaseIterable {
        /// 8 modes on a circle of radius 2, std 0.02, then everything divided by 1.414.
        case eightGaussians = "8gaussians"
        /// 25 modes at (2x, 2y) for x, y in -2...2, std 0.05, then divided by 2.828.
        case twentyFiveGaussians = "25gaussians"
        /// sklearn's swiss roll with noise 0.25, columns x and z, divided by 7.5.
        case swissRoll = "swissroll"
        /// 8 modes on a circle of radius 1, std 0.01.
        case ring
        /// 25 modes at {-4, -2, 0, 2, 4}², std 0.05.
        case grid
        /// 8 modes at (2 sin θ, 2 cos θ), θ = 2πk/8, std 0.2: the circle of Gaussians of
        /// stochastic-orders-ICMN (Choquet-Toland critics), far wider than `8gaussians`.
        case gaussianCircle = "gaussiancircle"
    }

    public let kind: Kind
    public let seed: UInt64
    /// Mode centres in the final coordinates (after any division); nil for the swiss roll.
    public let modes: [[Float]]?
    /// Standard deviation of each mode per coordinate, in final coordinates; nil for the swiss roll.
    public let modeStd: Float?

    public var name: String { kind.rawValue }
    public var count: Int? { nil }
    public var sampleShape: [Int] { [2] }

    /// Everything drawn for sample i comes from this stream at counter i.
    private let stream: RandomStream
    /// Noise std and overall divisor, in the reference's own coordinates.
    private let rawStd: Float
    private let divisor: Float
    /// Mode centres before the division.
    private let rawCentres: [(Float, Float)]

    public init(kind: Kind, seed: UInt64) {
        self.kind = kind
        self.seed = seed
        stream = RandomStream(seed: seed, purpose: "data.\(kind.rawValue)")
        let centres: [(Float, Float)]
        let std: Float
        let divisor: Float
        switch kind {
        case .eightGaussians:
            let d = Float(1 / 2.0.squareRoot())
            let unit: [(Float, Float)] = [(1, 0), (-1, 0), (0, 1), (0, -1), (d, d), (d, -d), (-d, d), (-d, -d)]
            centres = unit.map { (2 * $0.0, 2 * $0.1) }
            (std, divisor) = (0.02, 1.414)
        case .twentyFiveGaussians:
            centres = (-2...2).flatMap { x in (-2...2).map { y in (Float(2 * x), Float(2 * y)) } }
            (std, divisor) = (0.05, 2.828)
        case .swissRoll:
            centres = []
            (std, divisor) = (0.25, 7.5)
        case .ring:
            centres = (0..<8).map { k in
                let angle = 2 * Double.pi * Double(k) / 8
                return (Float(cos(angle)), Float(sin(angle)))
            }
            (std, divisor) = (0.01, 1)
        case .grid:
            centres = (-2...2).flatMap { x in (-2...2).map { y in (Float(2 * x), Float(2 * y)) } }
            (std, divisor) = (0.05, 1)
        case .gaussianCircle:
            centres = (0..<8).map { k in
                let angle = 2 * Double.pi * Double(k) / 8
                return (Float(2 * sin(angle)), Float(2 * cos(angle)))
            }
            (std, divisor) = (0.2, 1)
        }
        rawCentres = centres
        rawStd = std
        self.divisor = divisor
        modes = kind == .swissRoll ? nil : centres.map { [$0.0 / divisor, $0.1 / divisor] }
        modeStd = kind == .swissRoll ? nil : std / divisor
    }

    /// A mixture from its name in a config file ("8gaussians", "ring", ...).
    public convenience init(kind name: String, seed: UInt64) throws {
        guard let kind = Kind(rawValue: name) else {
            throw DataError.unknownToyMixture(name: name, known: Kind.allCases.map(\.rawValue))
        }
        self.init(kind: kind, seed: seed)
    }

    /// Samples `indices` as a [indices.count, 2] tensor; each row depends only on (seed, index).
    public func batch(at indices: [Int]) -> Tensor {
        precondition(indices.allSatisfy { $0 >= 0 }, "ToyMixture.batch(at:): indices must be non-negative")
        let result = Tensor.uninitialized([indices.count, 2])
        result.withMutableScalars { out in
            var row = 0
            for run in contiguousRuns(indices) {
                let noise = stream.normal(rows: run.count, columns: 3, firstRow: run.lowerBound).scalars
                let choices = stream.integers(below: 1 << 53, at: run)
                for k in 0..<run.count {
                    let point = sample(choice: choices[k], noise: (noise[3 * k], noise[3 * k + 1], noise[3 * k + 2]))
                    out[2 * row] = point.0
                    out[2 * row + 1] = point.1
                    row += 1
                }
            }
        }
        return result
    }

    /// One point from a uniform 53-bit `choice` and three standard normals.
    private func sample(choice: UInt64, noise: (Float, Float, Float)) -> (Float, Float) {
        if kind == .swissRoll {
            // sklearn: t = 1.5π(1 + 2u), x = t cos t, z = t sin t, each plus noise·N(0, 1).
            // The dropped y column (21u') does not affect x and z, so it is not drawn.
            let u = Double(choice) / Double(1 << 53)
            let t = 1.5 * Double.pi * (1 + 2 * u)
            let x = Float(t * cos(t)) + rawStd * noise.0
            let z = Float(t * sin(t)) + rawStd * noise.2
            return (x / divisor, z / divisor)
        }
        let centre = rawCentres[Int(choice % UInt64(rawCentres.count))]
        return ((centre.0 + rawStd * noise.0) / divisor, (centre.1 + rawStd * noise.1) / divisor)
    }
}

/// `indices` split into maximal runs of consecutive values, in order, so each
/// run's random numbers are drawn in one call.
func contiguousRuns(_ indices: [Int]) -> [Range<Int>] {
    var runs: [Range<Int>] = []
    var start = 0
    while start < indices.count {
        var end = start + 1
        while end < indices.count, indices[end] == indices[end - 1] + 1 { end += 1 }
        runs.append(indices[start]..<(indices[end - 1] + 1))
        start = end
    }
    return runs
}
