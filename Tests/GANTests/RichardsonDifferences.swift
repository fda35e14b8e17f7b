import Autograd
import XCTest

/// Central differences of a scalar function of several tensors, summed in Double and
/// refined by Richardson extrapolation (4·D(ε/2) − D(ε))/3, against analytic gradients:
/// passes when max |analytic − numeric| ≤ tolerance · max(1, max |numeric|), and fails
/// when the numeric gradient is all but zero (a check of nothing).
struct RichardsonDifferences {
    var epsilon: Float = 1e-2
    var tolerance: Double = 2e-3

    /// Checks `analytic[i]` against d f / d inputs[i] for every input.
    func assertGradients(
        _ analytic: [Tensor], of f: ([Tensor]) -> Tensor, at inputs: [Tensor], _ label: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        for (index, input) in inputs.enumerated() {
            let values = input.scalars
            let numeric = (0..<input.count).map { element -> Double in
                func difference(_ step: Float) -> Double {
                    let (plus, minus) = (values[element] + step, values[element] - step)
                    let high = evaluate(f, inputs, index, element, plus)
                    let low = evaluate(f, inputs, index, element, minus)
                    return (high - low) / (Double(plus) - Double(minus))
                }
                return (4 * difference(epsilon / 2) - difference(epsilon)) / 3
            }
            let exact = analytic[index].scalars.map(Double.init)
            let largest = numeric.map(Swift.abs).max() ?? 0
            XCTAssertGreaterThan(largest, 10 * tolerance, "\(label), input \(index): numeric gradient is ~0", file: file, line: line)
            let worst = zip(exact, numeric).map { Swift.abs($0 - $1) }.max() ?? .infinity
            XCTAssertEqual(exact.count, numeric.count, "\(label), input \(index): gradient size", file: file, line: line)
            XCTAssertLessThanOrEqual(
                worst, tolerance * max(1, largest), "\(label), input \(index): analytic \(exact.prefix(5)) numeric \(numeric.prefix(5))",
                file: file, line: line)
        }
    }

    private func evaluate(_ f: ([Tensor]) -> Tensor, _ inputs: [Tensor], _ index: Int, _ element: Int, _ value: Float) -> Double {
        let perturbed = inputs.enumerated().map { i, t -> Tensor in
            guard i == index else { return t.requiringGrad() }
            var scalars = t.scalars
            scalars[element] = value
            return Tensor(shape: t.shape, scalars: scalars).requiringGrad()
        }
        return f(perturbed).scalars.reduce(0.0) { $0 + Double($1) }
    }
}

/// Normal values of `shape` (seeded by `salt`), scaled and shifted.
func seededTensor(_ shape: [Int], salt: Int, scale: Float = 1, shift: Float = 0) -> Tensor {
    let n = shape.reduce(1, *)
    let values = RandomStream(seed: 5, purpose: "gan-test-input", step: salt).normal(rows: 1, columns: n).scalars
    return Tensor(shape: shape, scalars: values.map { $0 * scale + shift })
}
