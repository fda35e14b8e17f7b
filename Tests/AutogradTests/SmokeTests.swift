import XCTest

@testable import Autograd

final class SmokeTests: XCTestCase {
    func testLinearTanhGradientMatchesFiniteDifferences() {
        let x = randomTensor([3, 4], salt: 1)
        let w = randomTensor([5, 4], salt: 2, scale: 0.5)
        let b = randomTensor([5], salt: 3)
        GradientCheck().verify([x, w, b]) { linear($0[0], weight: $0[1], bias: $0[2]).tanh() }
        GradientCheck().verifySecondOrder([x, w, b]) { linear($0[0], weight: $0[1], bias: $0[2]).tanh() }
    }

    func testConvolutionSecondOrder() {
        let x = randomTensor([2, 2, 6, 6], salt: 4)
        let w = randomTensor([3, 2, 3, 3], salt: 5, scale: 0.3)
        GradientCheck().verify([x, w]) { conv2d($0[0], weight: $0[1], stride: 2, padding: 1).tanh() }
        GradientCheck().verifySecondOrder([x, w]) { conv2d($0[0], weight: $0[1], stride: 2, padding: 1).tanh() }
    }
}
