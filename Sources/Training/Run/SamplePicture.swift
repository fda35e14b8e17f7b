import Plot
import Autograd
import Data
import Foundation

/// The picture of a method's samples: for 2-D points a scatter plot of generated
/// against real points over a shaded field (a critic's value), for images a grid.
public enum SamplePicture {
    /// Samples in a training picture: points of a scatter plot, images of a grid.
    public static let points = 512
    public static let images = 64

    /// The training picture: samples of `source` from (seed, "z.picture").
    public static func render(source: any SampleSource, seed: UInt64, real: Tensor?, field: ((Tensor) -> Tensor)?) throws -> PNGEncoder {
        let count = try PictureKind.of(sampleShape: source.sampleShape) == .scatter ? points : images
        return try render(source.samples(seed: seed, purpose: "z.picture", rows: 0..<count), real: real, field: field)
    }

    /// A scatter plot of [n, 2] `samples` (with `real` points and `field` underneath) or a grid
    /// of [n, C, H, W] images; throws `PictureError` for samples no picture can show.
    public static func render(_ samples: Tensor, real: Tensor?, field: ((Tensor) -> Tensor)?) throws -> PNGEncoder {
        guard try PictureKind.of(sampleShape: Array(samples.shape.dropFirst())) == .scatter else {
            return try ImageGrid(images: samples, valueRange: PixelRange.unit.bounds).png
        }
        var plot = ScatterPlot(width: 512, height: 512)
        if let real { try plot.add(points: real.reshaped([-1, 2]), color: .real, radius: 2) }
        try plot.add(points: samples, color: .generated, radius: 2)
        if let field { plot.heatMap = shade(field, over: plot.resolvedRange) }
        plot.heatMapCells = 64
        return plot.render()
    }

    /// `field` on a 64x64 grid over `range` (one batched call), looked up by nearest cell, scaled to [0, 1].
    private static func shade(_ field: (Tensor) -> Tensor, over range: PlotRange) -> (Float, Float) -> Float {
        let cells = 64
        var points: [Float] = []
        for row in 0..<cells {
            for column in 0..<cells {
                points.append(range.x.lowerBound + (Float(column) + 0.5) / Float(cells) * (range.x.upperBound - range.x.lowerBound))
                points.append(range.y.lowerBound + (Float(row) + 0.5) / Float(cells) * (range.y.upperBound - range.y.lowerBound))
            }
        }
        let values = field(Tensor(shape: [cells * cells, 2], scalars: points)).scalars
        let low = values.min() ?? 0
        let spread = max((values.max() ?? 1) - low, 1e-6)
        return { x, y in
            let column = min(cells - 1, max(0, Int((x - range.x.lowerBound) / (range.x.upperBound - range.x.lowerBound) * Float(cells))))
            let row = min(cells - 1, max(0, Int((y - range.y.lowerBound) / (range.y.upperBound - range.y.lowerBound) * Float(cells))))
            return (values[row * cells + column] - low) / spread
        }
    }
}
