import Autograd
import Foundation
import GAN
import XCTest

/// MonoFlow's generator losses −h(d) against their closed forms, the logistic critic
/// as binary cross-entropy, and the gradients against finite differences.
final class MonoFlowTransformTests: XCTestCase {
    private let logits: [Float] = [-4, -1.5, -0.2, 0.3, 1, 3.5]

    private func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    func testEachGeneratorLossIsMinusHOfTheLogit() {
        let d = Tensor(shape: [6, 1], scalars: logits)
        let c: Float = 5
        let expected: [MonoFlowTransform: (Double) -> Double] = [
            .ns: { -Foundation.log(self.sigmoid($0)) },
            .vanilla: { Foundation.log(1 - self.sigmoid($0 + Double(c))) },
            .logit: { -$0 },
            .arcsinh: { -Foundation.asinh($0) },
        ]
        for transform in MonoFlowTransform.allCases {
            let terms = transform.generatorTerms(logits: d, shift: c)
            XCTAssertEqual(terms.shape, [6], "\(transform)")
            for (value, x) in zip(terms.scalars, logits) {
                let reference = expected[transform]!(Double(x))
                XCTAssertEqual(Double(value), reference, accuracy: 1e-5 * max(1, Swift.abs(reference)), "\(transform) at \(x)")
            }
        }
    }

    func testEveryHIsIncreasingSoTheLossFallsAsTheCriticFindsSamplesMoreReal() {
        for transform in MonoFlowTransform.allCases {
            let terms = transform.generatorTerms(logits: Tensor(logits), shift: 5).scalars
            for (a, b) in zip(terms, terms.dropFirst()) { XCTAssertGreaterThan(a, b, "\(transform)") }
        }
    }

    func testTheCriticIsBinaryCrossEntropyWithRealOneAndFakeZero() {
        let (real, fake) = (Tensor([0.7, -1.2]), Tensor([2.0, -0.4]))
        let terms = MonoFlowTransform.criticTerms(real: real, fake: fake).scalars
        for i in 0..<2 {
            let expected = -Foundation.log(sigmoid(Double(real.scalars[i]))) - Foundation.log(1 - sigmoid(Double(fake.scalars[i])))
            XCTAssertEqual(Double(terms[i]), expected, accuracy: 1e-5)
        }
    }

    func testGeneratorLossGradientsMatchFiniteDifferences() {
        for transform in MonoFlowTransform.allCases {
            let d = Tensor(logits).requiringGrad()
            let weights = Tensor([1, -0.5, 2, 0.7, -1.3, 0.4])
            let analytic = gradients(of: (transform.generatorTerms(logits: d, shift: 2) * weights).sum(), wrt: [d])[0]
            let numeric = numericGradient(
                of: { (transform.generatorTerms(logits: d, shift: 2) * weights).scalars.reduce(0.0) { $0 + Double($1) } }, perturbing: d)
            assertGradientsMatch(analytic, numeric, "\(transform)")
        }
    }
}
