import Autograd
import XCTest

/// Central finite differences in Double of a scalar function of tensors, perturbing each
/// element of each leaf in place (and restoring it), against the engine's gradients.
/// Passes when max |analytic − numeric| ≤ tolerance · max(1, max |numeric|); a numeric
/// gradient that is all but zero proves nothing and fails.
struct FiniteDifferences {
    var epsilon: Float = 1e-3
    var tolerance: Double = 3e-3

    /// Checks d loss / d leaf for every leaf; `loss` must read the leaves' current values.
    func verify(_ leaves: [Tensor], _ label: String, file: StaticString = #filePath, line: UInt = #line, _ loss: () -> Tensor) {
        let analytic = gradients(of: loss(), wrt: leaves)
        for (index, leaf) in leaves.enumerated() {
            let numeric = (0..<leaf.count).map { element -> Double in
                let original = leaf.scalars[element]
                func value(_ x: Float) -> Double {
                    leaf.withMutableScalars { $0[element] = x }
                    return Double(loss().item)
                }
                let (plus, minus) = (original + epsilon, original - epsilon)
                let difference = (value(plus) - value(minus)) / (Double(plus) - Double(minus))
                leaf.withMutableScalars { $0[element] = original }
                return difference
            }
            let scale = max(1, numeric.map(Swift.abs).max() ?? 0)
            XCTAssertGreaterThan(numeric.map(Swift.abs).max() ?? 0, 1e-6, "\(label), leaf \(index): numeric gradient is zero", file: file, line: line)
            let error = zip(analytic[index].scalars, numeric).map { Swift.abs(Double($0) - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(error, tolerance * scale, "\(label), leaf \(index) \(leaf.shape): max error \(error)", file: file, line: line)
        }
    }
}

/// Deterministic values in [-scale, scale) from a seed (a small LCG; tests only).
func testValues(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
    }
}
