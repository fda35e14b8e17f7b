import Autograd

/// An image dataset whose training batches are randomly mirrored left to right: each
/// row is flipped with probability 1/2, decided by the counter-based stream
/// (seed, "flip", critic step) at the row's position in the global batch, so a row is
/// flipped or not whichever rank draws it. `batch(at:)` (evaluation, pictures) is unflipped.
public final class HorizontallyFlipped: ImageDataset {
    public let base: any ImageDataset
    public let seed: UInt64

    public init(_ base: any ImageDataset, seed: UInt64) {
        precondition(base.sampleShape.count == 3, "HorizontallyFlipped: samples of shape \(base.sampleShape) are not images")
        self.base = base
        self.seed = seed
    }

    public var name: String { base.name }
    public var count: Int? { base.count }
    public var sampleShape: [Int] { base.sampleShape }
    public var labels: [Int]? { base.labels }
    public var pixelRange: PixelRange { base.pixelRange }

    public func batch(at indices: [Int]) -> Tensor {
        base.batch(at: indices)
    }

    public func trainingBatch(at indices: [Int], step: Int, firstRow: Int) -> Tensor {
        let batch = base.batch(at: indices)
        let coins = RandomStream(seed: seed, purpose: "flip", step: step).uniform(rows: indices.count, columns: 1, firstRow: firstRow).scalars
        let (planes, width) = (sampleShape[0] * sampleShape[1], sampleShape[2])
        batch.withMutableScalars { values in
            for (row, coin) in coins.enumerated() where coin < 0.5 {
                for line in 0..<planes {
                    let start = (row * planes + line) * width
                    values[start..<(start + width)].reverse()
                }
            }
        }
        return batch
    }
}
