import XCTest

@testable import Autograd

/// oneDNN's reordered copies of a parameter's weights: reused while the parameter is
/// unchanged, made again after every kind of write in place.
final class DNNLWeightCopyTests: XCTestCase {
    private let g = ConvolutionRouteTests.dcganShapes[1]

    override func tearDown() { Precision.use(.float32) }

    private var copies: DNNLWeightCopies { DNNL.context!.weightCopies }

    private func convolve(_ input: Tensor, _ weight: Tensor) -> Tensor {
        ConvolutionKernels.run(.convolve, input, weight, bias: nil, g, route: .oneDNN, bf16Kernels: true)
    }

    private func transposed(_ small: Tensor, _ weight: Tensor) -> Tensor {
        ConvolutionKernels.run(.transposed, small, weight, bias: nil, g, route: .oneDNN, bf16Kernels: true)
    }

    /// float32, and bf16 with oneDNN's bf16 kernels where this oneDNN makes them for the shape.
    private var precisions: [Precision] {
        let bf16 = ConvolutionPrimitive.allCases.allSatisfy {
            DNNL.context?.convolution(ConvolutionKey(primitive: $0, geometry: g, precision: .bf16, hasBias: false)) != nil
        }
        return bf16 ? [.float32, .bf16] : [.float32]
    }

    /// `weight`'s convolution against the same values in a tensor the cache never keeps.
    private func assertMatchesFreshValues(_ weight: Tensor, _ input: Tensor, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let reorders = copies.reorders
        let fresh = convolve(input, weight.copy())
        XCTAssertEqual(copies.reorders, reorders, "a tensor that is not a parameter is not kept", file: file, line: line)
        XCTAssertEqual(convolve(input, weight).scalars, fresh.scalars, label, file: file, line: line)
    }

    func testAParametersWeightsAreReorderedOnceUntilTheyAreWrittenInPlace() {
        XCTAssertNotNil(DNNL.context?.convolution(ConvolutionKey(primitive: .convolve, geometry: g, precision: .float32, hasBias: false)))
        for precision in precisions {
            Precision.use(precision)
            let input = randomTensor(g.bigShape, salt: 11)
            let weight = randomTensor(g.weightShape, salt: 12).requiringGrad()
            let first = convolve(input, weight)
            let (reorders, hits) = (copies.reorders, copies.hits)
            XCTAssertEqual(convolve(input, weight).scalars, first.scalars, "\(precision)")
            XCTAssertEqual(copies.reorders, reorders, "\(precision): unchanged weights are not reordered again")
            XCTAssertEqual(copies.hits, hits + 1, "\(precision)")
            // The transposed convolution wants another layout: one more copy, then reused too.
            let small = randomTensor(g.smallShape, salt: 13)
            let backward = transposed(small, weight)
            XCTAssertEqual(copies.reorders, reorders + 1, "\(precision)")
            XCTAssertEqual(transposed(small, weight).scalars, backward.scalars, "\(precision)")
            XCTAssertEqual(copies.reorders, reorders + 1, "\(precision)")

            // An optimizer's write.
            weight.withMutableScalars { for i in $0.indices { $0[i] *= -2 } }
            XCTAssertNotEqual(convolve(input, weight).scalars, first.scalars, "\(precision): a stale copy after withMutableScalars")
            assertMatchesFreshValues(weight, input, "\(precision) after withMutableScalars")
            // Loading a checkpoint.
            weight.assign(randomTensor(g.weightShape, salt: 14))
            assertMatchesFreshValues(weight, input, "\(precision) after assign")
            // Moving into a flat buffer, then a write to the whole buffer (the flat optimizers').
            let flat = Tensor.zeros([weight.count + 7])
            weight.relocate(into: flat, at: 7)
            assertMatchesFreshValues(weight, input, "\(precision) after relocate")
            flat.withMutableScalars { for i in $0.indices { $0[i] += 0.25 } }
            assertMatchesFreshValues(weight, input, "\(precision) after a write to its flat buffer")
        }
    }

    func testSquareWeightsReadAsAConvolutionsAndATransposedConvolutionsAreKeptApart() {
        // 16 -> 16 channels: oihw and iohw readings of the buffer have the same dims and
        // may want the same blocked layout; the copies must still differ.
        let square = ConvolutionRouteTests.geometry(batch: 1, big: 16, small: 16, kernel: 2, stride: 1, padding: 0, bigSize: 3, smallSize: 2)
        let weight = randomTensor(square.weightShape, salt: 31).requiringGrad()
        let (big, small) = (randomTensor(square.bigShape, salt: 32), randomTensor(square.smallShape, salt: 33))
        for _ in 0..<2 {
            for primitive in [ConvolutionPrimitive.convolve, .transposed] {
                let input = primitive == .convolve ? big : small
                let kept = ConvolutionKernels.run(primitive, input, weight, bias: nil, square, route: .oneDNN)
                let fresh = ConvolutionKernels.run(primitive, input, weight.copy(), bias: nil, square, route: .oneDNN)
                XCTAssertEqual(kept.scalars, fresh.scalars, "\(primitive)")
            }
        }
    }

    func testValuesThatAreNotParametersAreNeverKept() {
        let input = randomTensor(g.bigShape, salt: 21)
        let weight = randomTensor(g.weightShape, salt: 22)
        let (reorders, hits) = (copies.reorders, copies.hits)
        let first = convolve(input, weight)
        // An op's output may reuse a freed buffer's address; only parameters are kept.
        XCTAssertEqual(convolve(input, weight.requiringGrad().detached()).scalars, first.scalars)
        XCTAssertEqual(copies.reorders, reorders)
        XCTAssertEqual(copies.hits, hits)
    }
}
