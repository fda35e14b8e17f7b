import Autograd
import Foundation
import GAN
import XCTest

/// Entropic OT by log-domain Sinkhorn: values with known answers, the marginals of the
/// plan, and the envelope gradient against finite differences of the re-solved problem.
final class SinkhornTests: XCTestCase {
    private let x = Tensor(shape: [5, 3], scalars: [0.1, 0.9, -0.4, 1.2, 0.3, 0.8, -0.7, -0.2, 0.5, 0.4, -1.1, 0.0, 0.9, 0.6, -0.9])
    private let y = Tensor(shape: [4, 3], scalars: [0.3, 0.2, 0.1, -0.5, 1.0, 0.6, 1.4, -0.3, -0.2, 0.0, -0.8, 0.9])

    func testTheCostIsTheDistanceOrHalfItsSquare() {
        let a = Tensor(shape: [1, 2], scalars: [1, 2])
        let b = Tensor(shape: [2, 2], scalars: [4, 6, 1, 2])
        XCTAssertEqual(Sinkhorn(epsilon: 1, p: 1, iterations: 1).cost(a, b).scalars[0], 5, accuracy: 1e-5)
        XCTAssertEqual(Sinkhorn(epsilon: 1, p: 2, iterations: 1).cost(a, b).scalars[0], 12.5, accuracy: 1e-4)
        XCTAssertEqual(Sinkhorn(epsilon: 1, p: 1, iterations: 1).cost(a, b).scalars[1], 0, accuracy: 1e-5)
    }

    func testOnePointAgainstOnePointCostsTheirDistance() {
        // The only plan moves all mass along one pair, with zero entropy penalty.
        let a = Tensor(shape: [1, 2], scalars: [0, 0])
        let b = Tensor(shape: [1, 2], scalars: [3, 4])
        XCTAssertEqual(Sinkhorn(epsilon: 0.3, p: 1, iterations: 3).transportCost(a, b).item, 5, accuracy: 1e-5)
        XCTAssertEqual(Sinkhorn(epsilon: 0.3, p: 2, iterations: 3).transportCost(a, b).item, 12.5, accuracy: 1e-4)
    }

    func testTheConvergedPlanHasBothMarginals() {
        let sinkhorn = Sinkhorn(epsilon: 0.2, p: 2, iterations: 400, scaling: 0.5)
        let c = sinkhorn.cost(x, y).scalars.map(Double.init)
        let (f, g) = sinkhorn.potentials(cost: c.map(Float.init), rows: 5, columns: 4)
        var rowSums = [Double](repeating: 0, count: 5)
        var columnSums = [Double](repeating: 0, count: 4)
        for i in 0..<5 {
            for j in 0..<4 {
                let exponent: Double = (f[i] + g[j] - c[i * 4 + j]) / 0.2
                let mass: Double = exp(exponent) / 20
                rowSums[i] += mass
                columnSums[j] += mass
            }
        }
        for sum in rowSums { XCTAssertEqual(sum, 1.0 / 5, accuracy: 1e-6) }
        for sum in columnSums { XCTAssertEqual(sum, 1.0 / 4, accuracy: 1e-5) }
    }

    func testSmallEpsilonApproachesTheSortedMatchingOfPointsOnALine() {
        // In 1-D with equal counts the optimal plan matches sorted points; 0 ≤ OT_ε − OT_0 ≤ ε·log n.
        let a = Tensor(shape: [4, 1], scalars: [0.3, -1.2, 2.0, 0.9])
        let b = Tensor(shape: [4, 1], scalars: [1.5, 0.1, -0.4, 3.1])
        let sortedA: [Double] = [-1.2, 0.3, 0.9, 2.0]
        let sortedB: [Double] = [-0.4, 0.1, 1.5, 3.1]
        var exact = 0.0
        for (u, v) in zip(sortedA, sortedB) { exact += (u - v) * (u - v) / 8 }
        let epsilon: Float = 1e-3
        let value = Double(Sinkhorn(epsilon: epsilon, p: 2, iterations: 50, scaling: 0.5).transportCost(a, b).item)
        XCTAssertGreaterThanOrEqual(value, exact - 1e-4)
        XCTAssertLessThanOrEqual(value, exact + Double(epsilon) * log(4) + 1e-4)
    }

    func testAnnealingGoesFromTheLargestCostDownToEpsilon() {
        let epsilon = Double(Float(0.1))
        XCTAssertEqual(Sinkhorn(epsilon: 0.1, p: 1, iterations: 2, scaling: 0.5).schedule(largestCost: 1), [1, 0.5, 0.25, 0.125, epsilon, epsilon])
        XCTAssertEqual(Sinkhorn(epsilon: 0.1, p: 1, iterations: 3).schedule(largestCost: 1), [epsilon, epsilon, epsilon])
    }

    func testEnvelopeGradientsMatchFiniteDifferencesOfTheResolvedProblem() {
        // Each finite difference solves the problem afresh to convergence, so this checks
        // that the gradient at fixed potentials is the gradient of OT_ε itself.
        for p in [1, 2] {
            let sinkhorn = Sinkhorn(epsilon: 0.5, p: p, iterations: 300, scaling: 0.5)
            TransportGradientCheck(tolerance: 2e-3, name: "OT_ε, p \(p)").verify([x, y]) { sinkhorn.transportCost($0[0], $0[1]) }
        }
    }

    func testTheSemiDualAtFixedPotentialsIsDifferentiableToSecondOrder() {
        // Far from convergence (two iterations) the loss is still an exact function of the
        // points at fixed g, and its own gradients are exact.
        let sinkhorn = Sinkhorn(epsilon: 0.3, p: 2, iterations: 2)
        let g = sinkhorn.potentials(cost: sinkhorn.cost(x, y).scalars, rows: 5, columns: 4).g
        let check = TransportGradientCheck(name: "semi-dual")
        let loss: ([Tensor]) -> Tensor = { sinkhorn.semiDual(cost: sinkhorn.cost($0[0], $0[1]), g: g) }
        check.verify([x, y], loss)
        check.verifySecondOrder([x, y], loss)
    }

    func testTheSemiDualIsALowerBoundThatTheIterationsClose() {
        let converged = Sinkhorn(epsilon: 0.2, p: 2, iterations: 500).transportCost(x, y).item
        let c = Sinkhorn(epsilon: 0.2, p: 2, iterations: 1).cost(x, y)
        var previousGap = Float.infinity
        for iterations in [1, 4, 32] {
            let sinkhorn = Sinkhorn(epsilon: 0.2, p: 2, iterations: iterations)
            let value = sinkhorn.semiDual(cost: c, g: sinkhorn.potentials(cost: c.scalars, rows: 5, columns: 4).g).item
            XCTAssertLessThanOrEqual(value, converged + 1e-5)
            XCTAssertLessThanOrEqual(converged - value, previousGap + 1e-6)
            previousGap = converged - value
        }
        XCTAssertLessThan(previousGap, 1e-4)
    }
}
