import XCTest

@testable import Autograd

/// The oneDNN route against Tandem's im2col kernels (the implementation before oneDNN)
/// on the DCGAN shapes, and the convolution gradient checks rerun with every primitive
/// forced onto each route.
final class ConvolutionRouteTests: XCTestCase {
    /// Geometries of the DCGAN layers (28-pixel critic and generator, 64-pixel DCGAN) at small batches.
    static let dcganShapes: [ConvGeometry] = [
        geometry(batch: 3, big: 1, small: 64, kernel: 5, stride: 2, padding: 2, bigSize: 28, smallSize: 14),
        geometry(batch: 2, big: 64, small: 128, kernel: 5, stride: 2, padding: 2, bigSize: 14, smallSize: 7),
        geometry(batch: 2, big: 128, small: 256, kernel: 5, stride: 2, padding: 2, bigSize: 7, smallSize: 4),
        geometry(batch: 1, big: 128, small: 256, kernel: 5, stride: 2, padding: 2, bigSize: 8, smallSize: 4),
        geometry(batch: 2, big: 3, small: 64, kernel: 4, stride: 2, padding: 1, bigSize: 64, smallSize: 32),
        geometry(batch: 1, big: 64, small: 128, kernel: 4, stride: 2, padding: 1, bigSize: 32, smallSize: 16),
        geometry(batch: 2, big: 512, small: 100, kernel: 4, stride: 1, padding: 0, bigSize: 4, smallSize: 1),
    ]

    static func geometry(batch: Int, big: Int, small: Int, kernel: Int, stride: Int, padding: Int, bigSize: Int, smallSize: Int)
        -> ConvGeometry
    {
        ConvGeometry(
            batch: batch, bigChannels: big, smallChannels: small, kernelHeight: kernel, kernelWidth: kernel, stride: stride,
            padding: padding, bigHeight: bigSize, bigWidth: bigSize, smallHeight: smallSize, smallWidth: smallSize)
    }

    override func tearDown() {
        ConvolutionKernels.forcedRoute = nil
        Precision.use(.float32)
    }

    /// The operands of `primitive` on `g`: (big, weight), (small, weight) or (big, small), and a bias.
    static func operands(_ primitive: ConvolutionPrimitive, _ g: ConvGeometry, salt: Int) -> (Tensor, Tensor, Tensor?) {
        switch primitive {
        case .convolve: (randomTensor(g.bigShape, salt: salt), randomTensor(g.weightShape, salt: salt + 1), randomTensor([g.smallChannels], salt: salt + 2))
        case .transposed: (randomTensor(g.smallShape, salt: salt), randomTensor(g.weightShape, salt: salt + 1), randomTensor([g.bigChannels], salt: salt + 2))
        case .weightGradient: (randomTensor(g.bigShape, salt: salt), randomTensor(g.smallShape, salt: salt + 1), nil)
        }
    }

    /// max |a − b| / (Σ|terms| + 1e-30) elementwise, where `scale` holds each output's Σ|terms|.
    static func worstRelativeError(_ a: Tensor, _ b: Tensor, scale: Tensor) -> Double {
        zip(zip(a.scalars, b.scalars), scale.scalars).map { pair, s in Double(Swift.abs(pair.0 - pair.1)) / (Double(s) + 1e-30) }.max() ?? 0
    }

    func testEachPrimitiveOnTheDCGANShapesMatchesTheIm2colKernels() throws {
        for (index, g) in Self.dcganShapes.enumerated() {
            for primitive in ConvolutionPrimitive.allCases {
                let (a, b, bias) = Self.operands(primitive, g, salt: 1000 + 10 * index)
                let key = ConvolutionKey(primitive: primitive, geometry: g, precision: .float32, hasBias: bias != nil)
                let label = "\(primitive) on shape \(index)"
                XCTAssertNotNil(DNNL.context?.convolution(key), "oneDNN makes no kernel for \(label)")
                let fast = ConvolutionKernels.run(primitive, a, b, bias: bias, g, route: .oneDNN)
                let reference = ConvolutionKernels.run(primitive, a, b, bias: bias, g, route: .im2col)
                // Σ|terms| of each output: the same primitive on absolute values.
                let scale = ConvolutionKernels.run(primitive, a.abs(), b.abs(), bias: bias?.abs(), g, route: .im2col)
                XCTAssertEqual(fast.shape, reference.shape, label)
                // Both sum in float32 in different orders: each is within K·2⁻²⁴·Σ|terms| of the exact sum
                // (K ≤ 6400 here, so 4e-4 at worst); in practice about √K·2⁻²⁴ ≈ 5e-6.
                XCTAssertLessThanOrEqual(Self.worstRelativeError(fast, reference, scale: scale), 1e-4, label)
            }
        }
    }

    func testTheFasterRouteIsChosenPerPrimitive() {
        let critic = Self.dcganShapes[1]
        for primitive in ConvolutionPrimitive.allCases {
            let key = ConvolutionKey(primitive: primitive, geometry: critic, precision: .float32, hasBias: false)
            XCTAssertEqual(ConvolutionKernels.route(for: key), .oneDNN, "\(primitive) of a 64 -> 128 convolution")
        }
        // The transposed convolution onto one big channel (the image side of the first layer) stays on im2col.
        let image = ConvolutionKey(primitive: .transposed, geometry: Self.dcganShapes[0], precision: .float32, hasBias: false)
        XCTAssertEqual(ConvolutionKernels.route(for: image), .im2col)
    }

    /// Four of ConvolutionGradientTests' geometries, forced onto each route: 5×5 kernels with a
    /// bias, stride 3, and a transposed convolution with output padding 2 (for oneDNN a padding
    /// of −1 past the bottom and right edges).
    func testConvolutionGradientsMatchFiniteDifferencesOnEachRoute() {
        for route in ConvolutionRoute.allCases {
            ConvolutionKernels.forcedRoute = route
            for (index, g) in ConvolutionGradientTests.convolutions.enumerated() where [3, 5].contains(index) {
                let xs = gradientInputs(g, outputChannels: g.weight[0], salt: 1500 + 10 * index)
                let conv = { (xs: [Tensor]) in conv2d(xs[0], weight: xs[1], bias: g.bias ? xs[2] : nil, stride: g.stride, padding: g.padding) }
                GradientCheck(name: "\(route) conv2d \(index)").verify(xs, conv)
                GradientCheck(name: "\(route) conv2d \(index)").verifySecondOrder(xs) { conv($0).tanh() }
            }
            for (index, g) in ConvolutionGradientTests.transposedConvolutions.enumerated() where [0, 4].contains(index) {
                let xs = gradientInputs(g, outputChannels: g.weight[1], salt: 1600 + 10 * index)
                let conv = { (xs: [Tensor]) in
                    convTranspose2d(
                        xs[0], weight: xs[1], bias: g.bias ? xs[2] : nil, stride: g.stride, padding: g.padding, outputPadding: g.outputPadding)
                }
                GradientCheck(name: "\(route) convTranspose2d \(index)").verify(xs, conv)
                GradientCheck(name: "\(route) convTranspose2d \(index)").verifySecondOrder(xs) { conv($0).tanh() }
            }
        }
    }

    func testGradientsOfAConvolutionWideEnoughForOneDNNsBlockedKernelsMatchFiniteDifferences() {
        // 16 channels on both sides: oneDNN's channel-blocked JIT kernels run all three primitives.
        ConvolutionKernels.forcedRoute = .oneDNN
        let g = Self.geometry(batch: 1, big: 16, small: 16, kernel: 2, stride: 1, padding: 0, bigSize: 3, smallSize: 2)
        for primitive in ConvolutionPrimitive.allCases {
            let key = ConvolutionKey(primitive: primitive, geometry: g, precision: .float32, hasBias: primitive != .weightGradient)
            XCTAssertTrue(DNNLConvolution.isFast(DNNL.context?.convolution(key)?.implementation ?? "none"), "\(primitive)")
        }
        let xs = [randomTensor(g.bigShape, salt: 1700), randomTensor(g.weightShape, salt: 1701, scale: 0.3), randomTensor([16], salt: 1702)]
        GradientCheck().verifySecondOrder(xs) { conv2d($0[0], weight: $0[1], bias: $0[2]).tanh() }
    }

    private func gradientInputs(_ g: ConvolutionGradientTests.Geometry, outputChannels: Int, salt: Int) -> [Tensor] {
        var tensors = [randomTensor(g.input, salt: salt), randomTensor(g.weight, salt: salt + 1, scale: 0.4)]
        if g.bias { tensors.append(randomTensor([outputChannels], salt: salt + 2)) }
        return tensors
    }
}
