import XCTest

@testable import Autograd

/// The element gather with zero fill (the op under flips, quarter turns, shifts and
/// cutout) and its adjoint, the scatter: values, and gradients to first and second order.
final class ElementGatherTests: XCTestCase {
    /// A 2x3 input read through a map that mirrors, repeats one element and zeroes two.
    private let sources = [2, 1, 0, -1, 4, 4, -1, 3]

    func testEachOutputElementIsItsSourceOrZero() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.gatheringElements(sources, shape: [2, 4]).scalars, [3, 2, 1, 0, 5, 5, 0, 4])
    }

    func testTheGradientAddsBackIntoEachSourceAndSkipsZeroedElements() {
        let leaf = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]).requiringGrad()
        let weights = Tensor(shape: [2, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        (leaf.gatheringElements(sources, shape: [2, 4]) * weights).sum().backward()
        // Element 4 is read twice (weights 5 and 6); element 5 never.
        XCTAssertEqual(leaf.grad?.scalars, [3, 2, 1, 8, 11, 0])
    }

    func testGradientsMatchFiniteDifferencesToFirstAndSecondOrder() {
        let x = randomTensor([2, 3], salt: 41)
        let w = randomTensor([2, 4], salt: 42)
        GradientCheck().verify([x, w]) { ($0[0].gatheringElements(self.sources, shape: [2, 4]) * $0[1]).tanh() }
        // Second order needs the scatter's own backward (a gather again) to be recorded.
        GradientCheck().verifySecondOrder([x, w]) { ($0[0].gatheringElements(self.sources, shape: [2, 4]) * $0[1]).tanh() }
    }

    func testTheScatterIsTheGathersAdjoint() {
        // ⟨gather(x), y⟩ = ⟨x, scatter(y)⟩ for every x and y.
        let x = randomTensor([6], salt: 43)
        let y = randomTensor([8], salt: 44)
        let left = zip(x.gatheringElements(sources, shape: [8]).scalars, y.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        let right = zip(x.scalars, y.scatteringElements(sources, shape: [6]).scalars).reduce(0) { $0 + $1.0 * $1.1 }
        XCTAssertEqual(left, right, accuracy: 1e-5)
        XCTAssertNotEqual(left, 0)
    }
}
