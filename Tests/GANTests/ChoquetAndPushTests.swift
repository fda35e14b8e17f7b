import Autograd
import GAN
import NN
import XCTest

/// The Choquet-Toland integrals and Trust-the-Critics' push map.
final class ChoquetAndPushTests: XCTestCase {
    func testChoquetIntegralsAreTheReferencesMeanDifferences() {
        let (u0Real, u0Fake) = (Tensor(shape: [2, 1], scalars: [1, 3]), Tensor(shape: [2, 1], scalars: [4, 6]))
        let (u1Real, u1Fake) = (Tensor(shape: [2, 1], scalars: [2, 2]), Tensor(shape: [2, 1], scalars: [-1, 1]))
        let (u0, u1) = ChoquetToland.integrals(u0Real: u0Real, u0Fake: u0Fake, u1Real: u1Real, u1Fake: u1Fake, share: 0.5)
        XCTAssertEqual(u0.item, 3)  // mean u0(fake) − mean u0(real) = 5 − 2
        XCTAssertEqual(u1.item, 2)  // mean u1(real) − mean u1(fake) = 2 − 0
        XCTAssertEqual(ChoquetToland.generatorLoss(u0Fake: u0Fake, u1Fake: u1Fake, share: 0.5).item, -5)  // −(5 − 0)
    }

    /// y − η∇D(y), with ∇D from finite differences of D; rows move independently, and the push
    /// works inside `withoutGradients` (sampling) and leaves no graph.
    func testThePushMovesEachSampleDownItsOwnFiniteDifferenceGradient() {
        let critic = Sequential([Linear(inputs: 2, outputs: 8, seed: 3, name: "0"), Tanh(), Linear(inputs: 8, outputs: 1, seed: 3, name: "2")])
        let points = Tensor(shape: [3, 2], scalars: [0.3, -0.7, 1.2, 0.4, -0.9, 0.1])
        let moved = withoutGradients { pushed(points, down: { critic($0) }, stepSize: 0.5) }
        XCTAssertFalse(moved.requiresGrad)
        let h: Float = 1e-3
        for row in 0..<3 {
            for column in 0..<2 {
                var plus = points.scalars, minus = points.scalars
                plus[row * 2 + column] += h
                minus[row * 2 + column] -= h
                let value = { (p: [Float]) in Double(critic(Tensor(shape: [1, 2], scalars: Array(p[(row * 2)..<(row * 2 + 2)]))).item) }
                let slope = (value(plus) - value(minus)) / Double(2 * h)
                let expected = Double(points.scalars[row * 2 + column]) - 0.5 * slope
                XCTAssertEqual(Double(moved.scalars[row * 2 + column]), expected, accuracy: 2e-4)
            }
        }
    }
}
