import Autograd
import Data
import Foundation
import NN

/// Sample pictures rank 0 writes during training: a scatter plot of generated
/// against real points over the critic's values (2-D data), or a grid of images.
extension Trainer {
    /// Number of points or images in a training picture.
    static let pictureSamples = 512

    /// Renders the sample picture of the current step (rank 0 writes it).
    func samplePicture() throws -> PNGEncoder {
        let picture = SamplePicture(
            generator: ema == nil ? generator : emaGenerator(), critic: critic, latentDimension: config.latentDimension,
            sampleShape: dataset.sampleShape, seed: config.seed)
        let real = dataset.sampleShape.count == 1 ? dataset.batch(at: Array(0..<min(Self.pictureSamples, dataset.count ?? Self.pictureSamples))) : nil
        return try picture.render(real: real)
    }

    /// A generator holding the moving-average weights (built on demand; pictures are rare).
    func emaGenerator() -> any Module {
        guard let ema, let copy = try? models.generator() else { return generator }
        let averages = Dictionary(uniqueKeysWithValues: ema.namedAverages.map { ($0.name, $0.tensor) })
        return (try? copy.loadState(averages)) == nil ? generator : copy
    }
}

/// Draws samples of a generator with fixed latents into a PNG.
public struct SamplePicture {
    public let generator: any Module
    public let critic: (any Module)?
    public let latentDimension: Int
    public let sampleShape: [Int]
    public let seed: UInt64

    public init(generator: any Module, critic: (any Module)?, latentDimension: Int, sampleShape: [Int], seed: UInt64) {
        self.generator = generator
        self.critic = critic
        self.latentDimension = latentDimension
        self.sampleShape = sampleShape
        self.seed = seed
    }

    /// `count` samples from latents `RandomStream(seed, "z.picture")`, in evaluation mode, shaped like the data.
    public func samples(count: Int) -> Tensor {
        let z = RandomStream(seed: seed, purpose: "z.picture").normal(rows: count, columns: latentDimension)
        return evaluate(generator) { generator($0) }(z).reshaped([count] + sampleShape)
    }

    /// A scatter plot (with `real` points and the critic's values underneath) or an image
    /// grid; throws `PictureError` for samples no picture can show.
    public func render(real: Tensor?) throws -> PNGEncoder {
        guard sampleShape == [2] else { return try ImageGrid(images: samples(count: 64), pixelRange: .unit).png }
        let generated = samples(count: Trainer.pictureSamples)
        var plot = ScatterPlot(width: 512, height: 512)
        if let real { try plot.add(points: real, color: .real, radius: 2) }
        try plot.add(points: generated, color: .generated, radius: 2)
        if let critic { plot.heatMap = criticField(critic, over: plot.resolvedRange) }
        plot.heatMapCells = 64
        return plot.render()
    }

    /// The critic's value on a 64x64 grid over `range` (one batched forward), looked up by nearest cell.
    private func criticField(_ critic: any Module, over range: PlotRange) -> (Float, Float) -> Float {
        let cells = 64
        var points: [Float] = []
        for row in 0..<cells {
            for column in 0..<cells {
                points.append(range.x.lowerBound + (Float(column) + 0.5) / Float(cells) * (range.x.upperBound - range.x.lowerBound))
                points.append(range.y.lowerBound + (Float(row) + 0.5) / Float(cells) * (range.y.upperBound - range.y.lowerBound))
            }
        }
        let values = evaluate(critic) { critic($0) }(Tensor(shape: [cells * cells, 2], scalars: points)).scalars
        let low = values.min() ?? 0
        let spread = max((values.max() ?? 1) - low, 1e-6)
        return { x, y in
            let column = min(cells - 1, max(0, Int((x - range.x.lowerBound) / (range.x.upperBound - range.x.lowerBound) * Float(cells))))
            let row = min(cells - 1, max(0, Int((y - range.y.lowerBound) / (range.y.upperBound - range.y.lowerBound) * Float(cells))))
            return (values[row * cells + column] - low) / spread
        }
    }

    /// Runs `body` with the module in evaluation mode and no graph, restoring its mode after.
    private func evaluate(_ module: any Module, _ body: @escaping (Tensor) -> Tensor) -> (Tensor) -> Tensor {
        { input in
            let wasTraining = module.isTraining
            module.isTraining = false
            defer { module.isTraining = wasTraining }
            return withoutGradients { body(input) }
        }
    }
}
