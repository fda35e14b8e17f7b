import XCTest

@testable import Autograd

/// Gradients of ops that pick elements by a constant mask: select, maximum, minimum.
final class SelectionGradientTests: XCTestCase {
    func testSelectRoutesTheGradientByTheMask() {
        let mask = randomTensor([3, 4], salt: 1).greater(than: 0)
        let a = randomTensor([3, 4], salt: 2)
        let b = randomTensor([3, 4], salt: 3)
        GradientCheck().verify([a, b]) { select(mask, $0[0].square(), $0[1] * 3) }
        let leafA = a.requiringGrad(), leafB = b.requiringGrad()
        select(mask, leafA, leafB).sum().backward()
        XCTAssertEqual(leafA.grad?.scalars, mask.scalars)
        XCTAssertEqual(leafB.grad?.scalars, mask.scalars.map { 1 - $0 })
    }

    func testMaximumAndMinimumGradientsMatchFiniteDifferences() {
        let a = randomTensor([4, 5], salt: 4)
        // b differs from a by at least 0.1 everywhere, on either side, so no element sits at a tie.
        let gap = randomTensorAvoiding([0], margin: 0.1, [4, 5], salt: 5)
        let b = a + gap
        GradientCheck().verify([a, b]) { maximum($0[0], $0[1]) }
        GradientCheck().verify([a, b]) { minimum($0[0], $0[1]) }
    }

    func testTiesSendTheGradientToTheFirstOperand() {
        let a = Tensor([1, 2]).requiringGrad()
        let b = Tensor([1, 3]).requiringGrad()
        (maximum(a, b) + minimum(a, b) * 10).sum().backward()
        XCTAssertEqual(a.grad?.scalars, [11, 10])
        XCTAssertEqual(b.grad?.scalars, [0, 1])
    }
}
