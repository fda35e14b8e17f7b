import Autograd
import Data

/// Uniform random images in [0, 1), as the PyTorch peer benchmark feeds its MNIST
/// setup: image i is a pure function of (seed, i), so every rank agrees on it.
final class RandomImages: Dataset {
    let name = "random-images"
    let count: Int? = 60_000
    let sampleShape: [Int]
    private let seed: UInt64

    init(channels: Int, size: Int, seed: UInt64) {
        sampleShape = [channels, size, size]
        self.seed = seed
    }

    func batch(at indices: [Int]) -> Tensor {
        let stream = RandomStream(seed: seed, purpose: "random-images")
        let width = sampleShape.reduce(1, *)
        let rows = indices.map { stream.uniform(rows: 1, columns: width, firstRow: $0).scalars }
        return Tensor(shape: [indices.count] + sampleShape, scalars: rows.flatMap { $0 })
    }
}
