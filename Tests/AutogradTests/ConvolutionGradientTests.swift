import XCTest

@testable import Autograd

/// Finite-difference checks of conv2d and convTranspose2d over several
/// geometries (stride, padding, output padding, kernel size, non-square
/// images, bias), first and second order.
final class ConvolutionGradientTests: XCTestCase {
    struct Geometry {
        let input: [Int]
        let weight: [Int]
        let stride: Int
        let padding: Int
        var outputPadding = 0
        var bias = false
    }

    static let convolutions: [Geometry] = [
        Geometry(input: [2, 3, 7, 6], weight: [4, 3, 3, 3], stride: 1, padding: 0, bias: true),
        Geometry(input: [2, 3, 7, 6], weight: [4, 3, 3, 3], stride: 2, padding: 1),
        Geometry(input: [1, 2, 8, 5], weight: [3, 2, 5, 5], stride: 1, padding: 2),
        Geometry(input: [2, 2, 9, 7], weight: [2, 2, 5, 5], stride: 2, padding: 2, bias: true),
        Geometry(input: [1, 2, 6, 7], weight: [3, 2, 3, 5], stride: 2, padding: 1),
        Geometry(input: [1, 2, 8, 7], weight: [2, 2, 3, 3], stride: 3, padding: 1, bias: true),
    ]

    static let transposedConvolutions: [Geometry] = [
        Geometry(input: [2, 3, 4, 3], weight: [3, 2, 5, 5], stride: 2, padding: 2, outputPadding: 1, bias: true),
        Geometry(input: [1, 2, 4, 5], weight: [2, 3, 3, 3], stride: 1, padding: 0),
        Geometry(input: [2, 2, 3, 3], weight: [2, 2, 4, 4], stride: 2, padding: 1, bias: true),
        Geometry(input: [1, 3, 4, 3], weight: [3, 2, 3, 3], stride: 1, padding: 1, bias: true),
        Geometry(input: [1, 2, 3, 4], weight: [2, 2, 3, 5], stride: 3, padding: 1, outputPadding: 2),
    ]

    private func inputs(_ g: Geometry, outputChannels: Int, salt: Int) -> [Tensor] {
        var tensors = [randomTensor(g.input, salt: salt), randomTensor(g.weight, salt: salt + 1, scale: 0.4)]
        if g.bias { tensors.append(randomTensor([outputChannels], salt: salt + 2)) }
        return tensors
    }

    private func convolution(_ g: Geometry) -> ([Tensor]) -> Tensor {
        { xs in conv2d(xs[0], weight: xs[1], bias: g.bias ? xs[2] : nil, stride: g.stride, padding: g.padding) }
    }

    private func transposedConvolution(_ g: Geometry) -> ([Tensor]) -> Tensor {
        { xs in
            convTranspose2d(
                xs[0], weight: xs[1], bias: g.bias ? xs[2] : nil, stride: g.stride, padding: g.padding,
                outputPadding: g.outputPadding)
        }
    }

    func testConv2dGradientMatchesFiniteDifferencesForEachGeometry() {
        for (index, g) in Self.convolutions.enumerated() {
            GradientCheck().verify(inputs(g, outputChannels: g.weight[0], salt: 10 * index), convolution(g))
        }
    }

    func testConvTranspose2dGradientMatchesFiniteDifferencesForEachGeometry() {
        for (index, g) in Self.transposedConvolutions.enumerated() {
            GradientCheck().verify(inputs(g, outputChannels: g.weight[1], salt: 100 + 10 * index), transposedConvolution(g))
        }
    }

    func testConv2dSecondOrderMatchesFiniteDifferences() {
        for index in [1, 3, 4] {
            let g = Self.convolutions[index]
            let xs = inputs(g, outputChannels: g.weight[0], salt: 200 + 10 * index)
            let conv = convolution(g)
            // Linear in x: the penalty on d/dx depends on the weight only.
            GradientCheck(zeroGradientInputs: g.bias ? [0, 2] : [0]).verifySecondOrder(xs, conv)
            GradientCheck().verifySecondOrder(xs) { conv($0).tanh() }
        }
    }

    func testWeightGradientsAreThemselvesDifferentiable() {
        // The penalty taken on d/dweight differentiates the weight-gradient op
        // (conv2dWeightGradient) and its adjoints.
        let g = Self.convolutions[1]
        let xs = inputs(g, outputChannels: g.weight[0], salt: 250)
        GradientCheck(zeroGradientInputs: [0]).verifySecondOrder([xs[1], xs[0]]) {
            conv2d($0[1], weight: $0[0], stride: g.stride, padding: g.padding)
        }
        GradientCheck().verifySecondOrder([xs[1], xs[0]]) { conv2d($0[1], weight: $0[0], stride: g.stride, padding: g.padding).tanh() }
        let t = Self.transposedConvolutions[0]
        let ts = inputs(t, outputChannels: t.weight[1], salt: 260)
        GradientCheck().verifySecondOrder([ts[1], ts[0]]) {
            convTranspose2d($0[1], weight: $0[0], stride: t.stride, padding: t.padding, outputPadding: t.outputPadding).tanh()
        }
    }

    func testConvTranspose2dSecondOrderMatchesFiniteDifferences() {
        for index in [0, 2] {
            let g = Self.transposedConvolutions[index]
            let xs = inputs(g, outputChannels: g.weight[1], salt: 300 + 10 * index)
            let conv = transposedConvolution(g)
            GradientCheck(zeroGradientInputs: g.bias ? [0, 2] : [0]).verifySecondOrder(xs, conv)
            GradientCheck().verifySecondOrder(xs) { conv($0).tanh() }
        }
    }

    func testAveragePoolingAndUpsamplingGradientsMatchFiniteDifferences() {
        let x = randomTensor([2, 3, 6, 4], salt: 400)
        GradientCheck().verify([x]) { $0[0].averagePooled(2).square() }
        GradientCheck().verify([randomTensor([1, 2, 6, 6], salt: 401)]) { $0[0].averagePooled(3).square() }
        GradientCheck().verify([x]) { $0[0].upsampledNearest(2).square() }
        GradientCheck().verify([x]) { $0[0].upsampledNearest(3).averagePooled(3).exp() }
        GradientCheck().verifySecondOrder([x]) { $0[0].averagePooled(2).square() }
        GradientCheck().verifySecondOrder([x]) { $0[0].upsampledNearest(2).square() }
    }
}
