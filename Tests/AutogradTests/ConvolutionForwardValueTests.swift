import XCTest

@testable import Autograd

/// conv2d and convTranspose2d values against the direct definitions in `Naive`,
/// over the geometries the gradient tests use.
final class ConvolutionForwardValueTests: XCTestCase {
    func testConv2dMatchesTheDirectDefinition() {
        for (index, g) in ConvolutionGradientTests.convolutions.enumerated() {
            let x = randomTensor(g.input, salt: 500 + index)
            let w = randomTensor(g.weight, salt: 520 + index)
            let b = g.bias ? randomTensor([g.weight[0]], salt: 540 + index) : nil
            let y = conv2d(x, weight: w, bias: b, stride: g.stride, padding: g.padding)
            let expected = Naive.conv2d(x.scalars, x.shape, w.scalars, w.shape, bias: b?.scalars, stride: g.stride, padding: g.padding)
            XCTAssertEqual(y.shape, expected.shape, "geometry \(index)")
            assertClose(y, expected.values, "conv2d geometry \(index)")
        }
    }

    func testConvTranspose2dMatchesScatterThenCrop() {
        for (index, g) in ConvolutionGradientTests.transposedConvolutions.enumerated() {
            let x = randomTensor(g.input, salt: 600 + index)
            let w = randomTensor(g.weight, salt: 620 + index)
            let b = g.bias ? randomTensor([g.weight[1]], salt: 640 + index) : nil
            let y = convTranspose2d(x, weight: w, bias: b, stride: g.stride, padding: g.padding, outputPadding: g.outputPadding)
            let expected = Naive.convTranspose2d(
                x.scalars, x.shape, w.scalars, w.shape, bias: b?.scalars, stride: g.stride, padding: g.padding,
                outputPadding: g.outputPadding)
            XCTAssertEqual(y.shape, expected.shape, "geometry \(index)")
            assertClose(y, expected.values, "convTranspose2d geometry \(index)")
        }
    }

    func testConvTransposeInvertsTheShapeOfAStridedConvolution() {
        // DCGAN's pairing: a 4x4 kernel, stride 2, padding 1 halves and doubles the image.
        let x = randomTensor([1, 2, 8, 6], salt: 700)
        let down = conv2d(x, weight: randomTensor([3, 2, 4, 4], salt: 701), stride: 2, padding: 1)
        XCTAssertEqual(down.shape, [1, 3, 4, 3])
        let up = convTranspose2d(down, weight: randomTensor([3, 2, 4, 4], salt: 702), stride: 2, padding: 1)
        XCTAssertEqual(up.shape, [1, 2, 8, 6])
    }

    func testKnownSmallConvolutionValues() {
        // 3x3 image 1...9, 2x2 kernel of ones, stride 1: sums of each 2x2 window.
        let x = Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Float.init))
        let y = conv2d(x, weight: .ones([1, 1, 2, 2]), bias: Tensor([0.5]))
        XCTAssertEqual(y.scalars, [12.5, 16.5, 24.5, 28.5])
        // Its transpose with stride 2 places each pixel's 2x2 block side by side.
        let t = convTranspose2d(Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]), weight: .ones([1, 1, 2, 2]), stride: 2)
        XCTAssertEqual(t.scalars, [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
    }
}

/// Elementwise |actual − expected| ≤ 1e-5 · max(1, |expected|).
func assertClose(_ actual: Tensor, _ expected: [Double], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(message): element count", file: file, line: line)
    let worst = zip(actual.scalars, expected).map { Swift.abs(Double($0) - $1) / max(1, Swift.abs($1)) }.max() ?? 0
    XCTAssertLessThanOrEqual(worst, 1e-5, "\(message): actual \(actual.scalars.prefix(6)) expected \(expected.prefix(6))", file: file, line: line)
}
