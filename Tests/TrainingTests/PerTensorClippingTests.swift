import Autograd
import MPI
import NN
import XCTest

@testable import Training

/// Per-tensor gradient clipping after the reduce-scatter: each rank holds only its
/// share of the summed gradient, yet every tensor is clipped by its whole norm,
/// exactly as one process clipping the whole gradient (tensors straddle rank shares).
final class PerTensorClippingTests: XCTestCase {
    private static let shapes: [[Int]] = [[5], [3], [2, 2], [6]]

    /// The summed gradient: tensor 0 large, 1 small, 2 large, 3 exactly at the limit (norm 1.5).
    private static let gradient: [Float] = [3, -4, 1, 2, 0.5] + [0.1, -0.2, 0.05] + [10, 0, -10, 5] + [0.9, 0, -1.2, 0, 0, 0]

    private static func parameters() -> FlatParameters {
        FlatParameters(NamedTensors(Self.shapes.enumerated().map { (name: "p\($0)", tensor: Tensor.zeros($1).requiringGrad()) }))
    }

    private func serialClip(maxNorm: Float) -> (values: [Float], norms: [Double]) {
        var values = Self.gradient
        var norms: [Double] = []
        var offset = 0
        for shape in Self.shapes {
            let range = offset..<(offset + shape.reduce(1, *))
            let norm = values[range].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            norms.append(norm)
            if norm > Double(maxNorm) { for i in range { values[i] *= Float(Double(maxNorm) / norm) } }
            offset = range.upperBound
        }
        return (values, norms)
    }

    func testEachRankClipsItsShareByTheWholeTensorsNormOnOneToFourRanks() throws {
        let expected = serialClip(maxNorm: 1.5)
        XCTAssertEqual(expected.norms[3], 1.5, accuracy: 1e-6)
        for ranks in 1...4 {
            let results = try ThreadGroup.run(ranks: ranks) { comm -> [[Float]] in
                let flat = Self.parameters()
                let share = flat.layout.share(rank: comm.rank, of: comm.size)
                // Elements outside this rank's share hold partial sums after a reduce-scatter: garbage here.
                let partial = Self.gradient.enumerated().map { share.contains($0.offset) ? $0.element : 1000 }
                flat.gradients.assign(Tensor(shape: [partial.count], scalars: partial))
                let norms = try PerTensorClipping(maxNorm: 1.5).apply(to: flat, share: share, comm: comm)
                return [Array(flat.gradients.scalars[share]), norms.map(Float.init)]
            }
            let assembled = results.flatMap { $0[0] }
            for (a, b) in zip(assembled, expected.values) { XCTAssertEqual(a, b, accuracy: 1e-6, "\(ranks) ranks") }
            XCTAssertEqual(assembled.count, expected.values.count)
            for result in results { XCTAssertEqual(result[1], results[0][1], "every rank gets the same norms bit for bit") }
            for (norm, reference) in zip(results[0][1], expected.norms) { XCTAssertEqual(Double(norm), reference, accuracy: 1e-5) }
        }
    }

    func testAGradientWithinTheLimitIsLeftAlone() throws {
        let flat = Self.parameters()
        let small = Self.gradient.map { $0 * 1e-3 }
        flat.gradients.assign(Tensor(shape: [small.count], scalars: small))
        try PerTensorClipping(maxNorm: 1).apply(to: flat, share: 0..<small.count, comm: LocalCommunicator())
        XCTAssertEqual(flat.gradients.scalars, small)
    }
}
