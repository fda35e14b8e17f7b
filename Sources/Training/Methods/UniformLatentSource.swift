import Autograd
import NN

/// Samples of a generator from latents uniform in [−1, 1) (MMD GAN's z).
public struct UniformLatentSource: SampleSource {
    public let generator: any Module
    public let latentDimension: Int
    public let sampleShape: [Int]

    public init(generator: any Module, latentDimension: Int, sampleShape: [Int]) {
        self.generator = generator
        self.latentDimension = latentDimension
        self.sampleShape = sampleShape
    }

    public func inputs(seed: UInt64, purpose: String, rows: Range<Int>) -> Tensor {
        RandomStream(seed: seed, purpose: purpose).uniform(rows: rows.count, columns: latentDimension, firstRow: rows.lowerBound) * 2 - 1
    }

    public func generate(_ inputs: Tensor) -> Tensor {
        evaluating(generator) { withoutGradients { generator(inputs) } }.reshaped([inputs.shape[0]] + sampleShape)
    }
}
