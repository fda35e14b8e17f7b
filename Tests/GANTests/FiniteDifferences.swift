import Autograd
import XCTest

/// Central differences of a scalar function of `tensor`'s elements, in Double, refined
/// by Richardson extrapolation (4·D(h/2) − D(h))/3; the tensor is changed in place
/// while `value` runs and restored after.
func numericGradient(of value: () -> Double, perturbing tensor: Tensor, step: Float = 1e-2) -> [Double] {
    let original = tensor.scalars
    func difference(_ element: Int, _ h: Float) -> Double {
        func at(_ v: Float) -> Double {
            var changed = original
            changed[element] = v
            tensor.assign(Tensor(shape: tensor.shape, scalars: changed))
            return value()
        }
        let (plus, minus) = (original[element] + h, original[element] - h)
        return (at(plus) - at(minus)) / (Double(plus) - Double(minus))
    }
    let result = original.indices.map { (4 * difference($0, step / 2) - difference($0, step)) / 3 }
    tensor.assign(Tensor(shape: tensor.shape, scalars: original))
    return result
}

/// Asserts analytic and numeric gradients agree to `tolerance` relative to the largest
/// numeric entry (at least 1), and that the numeric gradient is not ~0 (a vacuous check).
func assertGradientsMatch(
    _ analytic: Tensor, _ numeric: [Double], tolerance: Double = 3e-3, _ label: String, file: StaticString = #filePath, line: UInt = #line
) {
    let largest = numeric.map(Swift.abs).max() ?? 0
    XCTAssertGreaterThan(largest, 1e-3, "\(label): numeric gradient is ~0, the check is vacuous", file: file, line: line)
    let worst = zip(analytic.scalars.map(Double.init), numeric).map { Swift.abs($0 - $1) }.max() ?? .infinity
    XCTAssertLessThanOrEqual(
        worst, tolerance * max(1, largest), "\(label): analytic \(analytic.scalars.prefix(6)) numeric \(numeric.prefix(6))", file: file, line: line)
}

/// A small smooth critic with explicit parameters (tanh, so second derivatives are not
/// zero): [n, inputs] to [n, outputs].
struct SmoothCritic {
    let w1: Tensor
    let b1: Tensor
    let w2: Tensor

    init(inputs: Int = 2, hidden: Int = 4, outputs: Int = 1, salt: Int = 0) {
        func values(_ count: Int, _ offset: Int) -> [Float] {
            (0..<count).map { Float(sin(Double($0 * 7 + offset + salt * 13) * 1.3)) * 0.9 }
        }
        w1 = Tensor(shape: [hidden, inputs], scalars: values(hidden * inputs, 1)).requiringGrad()
        b1 = Tensor(shape: [hidden], scalars: values(hidden, 2)).requiringGrad()
        w2 = Tensor(shape: [outputs, hidden], scalars: values(outputs * hidden, 3)).requiringGrad()
    }

    var parameters: [Tensor] { [w1, b1, w2] }

    func callAsFunction(_ x: Tensor) -> Tensor {
        linear(linear(x, weight: w1, bias: b1).tanh(), weight: w2, bias: nil)
    }
}
