import Foundation
import XCTest

@testable import Autograd

/// asinh: values against the C library, its derivative 1/√(x² + 1), and finite
/// differences to first and second order (MonoFlow's arcsinh generator loss).
final class InverseHyperbolicTests: XCTestCase {
    func testValuesMatchTheLibraryIncludingLargeNegativeInputs() {
        let inputs: [Float] = [-1000, -3, -0.5, 0, 0.25, 2, 1e6]
        let values = Tensor(inputs).asinh().scalars
        for (x, y) in zip(inputs, values) {
            XCTAssertEqual(Double(y), Foundation.asinh(Double(x)), accuracy: 1e-6 * max(1, Swift.abs(Foundation.asinh(Double(x)))), "asinh(\(x))")
        }
        XCTAssertEqual(Tensor([-2]).asinh().scalars[0], -Tensor([2]).asinh().scalars[0], "odd")
    }

    func testDerivativeIsOneOverTheRootOfOnePlusXSquared() {
        let x = Tensor([-2, 0, 0.5, 3]).requiringGrad()
        x.asinh().sum().backward()
        for (value, gradient) in zip([-2, 0, 0.5, 3] as [Float], x.grad?.scalars ?? []) {
            XCTAssertEqual(gradient, 1 / (value * value + 1).squareRoot(), accuracy: 1e-6)
        }
    }

    func testGradientMatchesFiniteDifferencesToFirstAndSecondOrder() {
        let x = randomTensor([3, 4], salt: 41, scale: 1.5)
        GradientCheck().verify([x]) { $0[0].asinh() }
        GradientCheck().verifySecondOrder([x]) { $0[0].asinh() }
    }
}
