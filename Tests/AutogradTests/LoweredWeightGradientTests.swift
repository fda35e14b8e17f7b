import XCTest

@testable import Autograd

/// The weight gradient in native bf16 as one bf16 matrix product: its channel-last
/// unfold against the im2col unfold, its result against the exact products of the
/// rounded inputs, and which layers take it.
final class LoweredWeightGradientTests: XCTestCase {
    override func tearDown() { Precision.use(.float32) }

    /// Stride 2 with padding on the DCGAN layers, and a geometry with trailing padding
    /// below the leading one (a transposed convolution's output padding).
    private let unfoldShapes = [
        ConvolutionRouteTests.dcganShapes[1], ConvolutionRouteTests.dcganShapes[4],
        ConvolutionRouteTests.geometry(batch: 2, big: 3, small: 2, kernel: 5, stride: 3, padding: 2, bigSize: 8, smallSize: 3),
    ]

    func testTheChannelLastUnfoldHoldsTheIm2colUnfoldsValuesInPatchOrder() {
        for (index, g) in unfoldShapes.enumerated() {
            // Each big value is its position + 1 (0 marks padding), as float32 for `unfold` and 16-bit channel-last for the other.
            let count = g.bigShape.reduce(1, *)
            let big = Tensor(shape: g.bigShape, scalars: (0..<count).map { Float($0 % 60_000 + 1) })
            var channelLast = [UInt16](repeating: 0, count: count)
            let (c, h, w) = (g.bigChannels, g.bigHeight, g.bigWidth)
            for n in 0..<g.batch {
                for ch in 0..<c {
                    for y in 0..<h {
                        for x in 0..<w { channelLast[((n * h + y) * w + x) * c + ch] = UInt16(big.scalars[((n * c + ch) * h + y) * w + x]) }
                    }
                }
            }
            let columns = Tensor(uninitializedShape: [g.patchSize * g.positions])
            g.unfold(big.pointer, images: 0..<g.batch, into: columns.pointer)
            let expected = columns.scalars
            let rowLength = g.kernelWidth * c
            for ki in 0..<g.kernelHeight {
                var rows = [UInt16](repeating: 7, count: g.positions * rowLength)
                channelLast.withUnsafeBufferPointer { source in
                    rows.withUnsafeMutableBufferPointer { g.unfoldChannelLast(source.baseAddress!, kernelRow: ki, into: $0.baseAddress!) }
                }
                var mismatches = 0
                for position in 0..<g.positions {
                    for ch in 0..<c {
                        for kj in 0..<g.kernelWidth {
                            let value = expected[((ch * g.kernelHeight + ki) * g.kernelWidth + kj) * g.positions + position]
                            if Float(rows[position * rowLength + kj * c + ch]) != value { mismatches += 1 }
                        }
                    }
                }
                XCTAssertEqual(mismatches, 0, "shape \(index), kernel row \(ki)")
            }
        }
    }

    /// The DCGAN layers with 64 channels and more on both sides, at batches 1 and 2.
    private var deepShapes: [ConvGeometry] { [1, 2, 3, 5].map { ConvolutionRouteTests.dcganShapes[$0] } }

    func testTheProductEqualsTheExactProductsOfTheRoundedInputs() throws {
        let context = try XCTUnwrap(DNNL.context)
        for (index, g) in deepShapes.enumerated() {
            guard let lowered = context.loweredWeightGradient(g) else {
                // oneDNN 2.6 has bf16 brgemm kernels wherever the CPU has AVX512_BF16.
                XCTAssertFalse(BLASKernel.cpuFlags().contains("avx512_bf16"), "no bf16 product for shape \(index)")
                continue
            }
            let (big, small, _) = ConvolutionRouteTests.operands(.weightGradient, g, salt: 2400 + 10 * index)
            let result = Tensor(uninitializedShape: g.weightShape)
            XCTAssertTrue(lowered.run(big: big.pointer, small: small.pointer, into: result.pointer, context: context))
            let exact = ConvolutionKernels.run(
                .weightGradient, BFloat16.rounded(big), BFloat16.rounded(small), bias: nil, g, route: .im2col)
            let scale = ConvolutionKernels.run(.weightGradient, big.abs(), small.abs(), bias: nil, g, route: .im2col)
            XCTAssertLessThanOrEqual(ConvolutionRouteTests.worstRelativeError(result, exact, scale: scale), 1e-4, "shape \(index)")
            // The float32 result differs: the inputs were rounded.
            let single = ConvolutionKernels.run(.weightGradient, big, small, bias: nil, g, route: .im2col)
            XCTAssertGreaterThan(ConvolutionRouteTests.worstRelativeError(result, single, scale: scale), 1e-4, "shape \(index)")
        }
    }

    /// Only bf16 weight gradients of the deep 28-pixel layers take the products; the other
    /// primitives and precisions, the 64-pixel c2 and a first layer keep their routes
    /// (oneDNN on a CPU with bf16 kernels).
    func testDeepLayersWeightGradientsInBF16TakeTheProduct() throws {
        let context = try XCTUnwrap(DNNL.context)
        func route(_ primitive: ConvolutionPrimitive, _ g: ConvGeometry, _ precision: Precision) -> ConvolutionRoute {
            ConvolutionKernels.route(for: ConvolutionKey(primitive: primitive, geometry: g, precision: precision, hasBias: false))
        }
        for (index, g) in deepShapes.enumerated() {
            // The 28-pixel layers (7×7 and 4×4 small images) take it; the 64-pixel c2 (16×16), the last shape, does not.
            if index < 3 && context.loweredWeightGradient(g) != nil {
                XCTAssertEqual(route(.weightGradient, g, .bf16), .matmul, "shape \(index)")
            } else {
                XCTAssertNotEqual(route(.weightGradient, g, .bf16), .matmul, "shape \(index)")
            }
            XCTAssertEqual(route(.weightGradient, g, .float32), .oneDNN, "shape \(index) in float32")
            XCTAssertNotEqual(route(.convolve, g, .bf16), .matmul, "shape \(index), forward")
            XCTAssertNotEqual(route(.transposed, g, .bf16), .matmul, "shape \(index), transposed")
        }
        XCTAssertNotEqual(route(.weightGradient, ConvolutionRouteTests.dcganShapes[0], .bf16), .matmul, "a first layer (one image channel)")
        if BLASKernel.cpuFlags().contains("avx512_bf16") {
            XCTAssertEqual(route(.weightGradient, deepShapes[3], .bf16), .oneDNN, "the 64-pixel c2 on oneDNN's bf16 kernel")
            XCTAssertEqual(route(.weightGradient, ConvolutionRouteTests.dcganShapes[0], .bf16), .oneDNN, "a first layer on oneDNN's bf16 kernel")
        }
    }
}
