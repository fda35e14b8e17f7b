import Autograd
import NN

/// How a trained method turns random inputs into samples: the one path that
/// pictures, evaluation and `tandem sample` draw samples through. Inputs of global
/// row i depend only on (seed, purpose, i), so any rank can draw any rows.
public protocol SampleSource {
    /// Shape of one sample ([2] for points, [C, H, W] for images).
    var sampleShape: [Int] { get }
    /// The random inputs (latents, or source samples) of global rows `rows`.
    func inputs(seed: UInt64, purpose: String, rows: Range<Int>) -> Tensor
    /// Samples from `inputs`, shaped [n] + sampleShape, in evaluation mode, returned without a
    /// graph (a source that needs input gradients, as Trust-the-Critics' pushes do, records
    /// one inside with `withGradients`, also when called inside `withoutGradients`).
    func generate(_ inputs: Tensor) -> Tensor
}

extension SampleSource {
    /// The samples of global rows `rows` of the stream (seed, purpose).
    public func samples(seed: UInt64, purpose: String, rows: Range<Int>) -> Tensor {
        generate(inputs(seed: seed, purpose: purpose, rows: rows))
    }
}

/// The distribution a generator's latents are drawn from.
public enum LatentDistribution: Sendable {
    /// Standard normal.
    case normal
    /// Uniform in [−1, 1) (MMD GAN's z).
    case symmetricUniform
}

/// Samples of a generator network from latents of `distribution`.
public struct GeneratorSource: SampleSource {
    public let generator: any Module
    public let latentDimension: Int
    public let sampleShape: [Int]
    public let distribution: LatentDistribution

    public init(generator: any Module, latentDimension: Int, sampleShape: [Int], distribution: LatentDistribution = .normal) {
        self.generator = generator
        self.latentDimension = latentDimension
        self.sampleShape = sampleShape
        self.distribution = distribution
    }

    public func inputs(seed: UInt64, purpose: String, rows: Range<Int>) -> Tensor {
        let stream = RandomStream(seed: seed, purpose: purpose)
        switch distribution {
        case .normal: return stream.normal(rows: rows.count, columns: latentDimension, firstRow: rows.lowerBound)
        case .symmetricUniform: return stream.uniform(rows: rows.count, columns: latentDimension, firstRow: rows.lowerBound) * 2 - 1
        }
    }

    public func generate(_ inputs: Tensor) -> Tensor {
        evaluating(generator) { withoutGradients { generator(inputs) } }.reshaped([inputs.shape[0]] + sampleShape)
    }
}

/// Runs `body` with `module` in evaluation mode, restoring its mode after.
public func evaluating<R>(_ module: any Module, _ body: () throws -> R) rethrows -> R {
    let wasTraining = module.isTraining
    module.isTraining = false
    defer { module.isTraining = wasTraining }
    return try body()
}
