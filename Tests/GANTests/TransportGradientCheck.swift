import Autograd
import XCTest

/// Finite differences for the transport losses (AutogradTests' check, which this test
/// target cannot import, in brief): the function's output projected on fixed weights,
/// L = Σ wᵢ·yᵢ, differentiated by central differences refined by Richardson
/// extrapolation, (4·D(h/2) − D(h))/3, summed in Double. Passes when
/// max |analytic − numeric| ≤ tolerance · max(1, max |numeric|); a numeric gradient that
/// is all but zero fails the check as vacuous.
struct TransportGradientCheck {
    var step: Float = 1e-2
    var tolerance: Double = 2e-3
    var name = ""

    /// First order: d L / d inputs.
    func verify(_ inputs: [Tensor], file: StaticString = #filePath, line: UInt = #line, _ function: @escaping ([Tensor]) -> Tensor) {
        compare(inputs, label: "first order", file: file, line: line, function)
    }

    /// Second order: the gradient of P = Σ v ⊙ (dL/dx₀)², with dL/dx₀ taken with createGraph.
    func verifySecondOrder(_ inputs: [Tensor], file: StaticString = #filePath, line: UInt = #line, _ function: @escaping ([Tensor]) -> Tensor) {
        compare(inputs, label: "second order", file: file, line: line) { xs in
            let y = function(xs)
            let inner = gradients(of: (y * weights(y.shape, salt: 1)).sum(), wrt: [xs[0]], createGraph: true)[0]
            return inner.square() * weights(inner.shape, salt: 2)
        }
    }

    private func compare(_ inputs: [Tensor], label: String, file: StaticString, line: UInt, _ function: @escaping ([Tensor]) -> Tensor) {
        let label = name.isEmpty ? label : "\(name), \(label)"
        let leaves = inputs.map { $0.requiringGrad() }
        let output = function(leaves)
        let w = weights(output.shape, salt: 0)
        let analytic = gradients(of: (output * w).sum(), wrt: leaves)
        for (index, input) in inputs.enumerated() {
            let numeric = numericGradient(inputs, index) { (function($0) * w).scalars.reduce(0.0) { $0 + Double($1) } }
            let largest = numeric.map(Swift.abs).max() ?? 0
            XCTAssertGreaterThan(largest, 10 * tolerance, "\(label), input \(index): numeric gradient is ~0, the check is vacuous", file: file, line: line)
            let exact = analytic[index].scalars.map(Double.init)
            let worst = zip(exact, numeric).map { Swift.abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(
                worst, tolerance * max(1, largest), "\(label), input \(index) \(input.shape): analytic \(exact.prefix(6)) numeric \(numeric.prefix(6))",
                file: file, line: line)
        }
    }

    private func numericGradient(_ inputs: [Tensor], _ index: Int, _ value: ([Tensor]) -> Double) -> [Double] {
        let values = inputs[index].scalars
        return (0..<values.count).map { element in
            func difference(_ h: Float) -> Double {
                func at(_ x: Float) -> Double {
                    var changed = values
                    changed[element] = x
                    // Leaves, as in the analytic pass (a second-order function differentiates inside).
                    var perturbed = inputs.map { $0.requiringGrad() }
                    perturbed[index] = Tensor(shape: inputs[index].shape, scalars: changed).requiringGrad()
                    return value(perturbed)
                }
                let (plus, minus) = (values[element] + h, values[element] - h)
                return (at(plus) - at(minus)) / (Double(plus) - Double(minus))
            }
            return (4 * difference(step / 2) - difference(step)) / 3
        }
    }
}

/// Fixed weights of magnitude in [0.5, 1.5), every third negative, distinct per salt.
func weights(_ shape: [Int], salt: Int) -> Tensor {
    let n = max(1, shape.reduce(1, *))
    let u = RandomStream(seed: 99, purpose: "weights", step: salt).uniform(rows: 1, columns: n).scalars
    return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { i in (i % 3 == 2 ? -1 : 1) * (0.5 + u[i]) })
}

/// Normal values of `shape` (seeded by `salt`), times `scale`.
func normals(_ shape: [Int], salt: Int, scale: Float = 1) -> Tensor {
    let n = max(1, shape.reduce(1, *))
    let values = RandomStream(seed: 5, purpose: "transport-test", step: salt).normal(rows: 1, columns: n).scalars
    return Tensor(shape: shape, scalars: values.prefix(shape.reduce(1, *)).map { $0 * scale })
}
