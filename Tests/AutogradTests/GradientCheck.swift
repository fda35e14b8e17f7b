import XCTest

@testable import Autograd

/// Central finite differences, accumulated in Double, against the engine's gradients.
///
/// The function's output is projected onto fixed random weights, L = Σ wᵢ·yᵢ, so
/// every output element takes part. Numeric: central differences D(h) =
/// (L(x+h) − L(x−h)) / (actual 2h) per input element, with the projection summed
/// in Double, refined by Richardson extrapolation (4·D(ε/2) − D(ε)) / 3 so the
/// truncation error is O(ε⁴) rather than O(ε²). The check passes when
/// max |analytic − numeric| ≤ tolerance · max(1, max |numeric|). A check whose
/// numeric gradient is all but zero proves nothing, so it fails unless the input's
/// index is listed in `zeroGradientInputs` (a gradient that is zero by nature).
struct GradientCheck {
    var epsilon: Float = 1e-2
    var tolerance: Double = 2e-3
    /// Inputs whose gradient is legitimately zero (e.g. d/dx of a ReLU net's input-gradient penalty).
    var zeroGradientInputs: Set<Int> = []
    /// Prefixes failure messages (which op or case of a loop failed).
    var name = ""

    /// First order: d L / d inputs, with L built from `function`'s output.
    func verify(
        _ inputs: [Tensor], file: StaticString = #filePath, line: UInt = #line, _ function: @escaping ([Tensor]) -> Tensor
    ) {
        compare(inputs, label: "first order", file: file, line: line, function)
    }

    /// Second order: the gradient (w.r.t. every input) of a gradient-norm penalty
    /// P = Σ v ⊙ (dL/dx₀)², where dL/dx₀ is taken with createGraph as WGAN-GP and R1 do.
    func verifySecondOrder(
        _ inputs: [Tensor], file: StaticString = #filePath, line: UInt = #line, _ function: @escaping ([Tensor]) -> Tensor
    ) {
        compare(inputs, label: "second order", file: file, line: line) { xs in
            let y = function(xs)
            let inner = gradients(of: (y * projection(y.shape, salt: 1)).sum(), wrt: [xs[0]], createGraph: true)[0]
            return inner.square() * projection(inner.shape, salt: 2)
        }
    }

    /// The gradient of the scalar `loss(parameters)` accumulated by `backward()` into
    /// each parameter's `.grad`, against finite differences (how a training step reads it).
    func verifyBackward(
        _ parameters: [Tensor], file: StaticString = #filePath, line: UInt = #line, _ loss: @escaping ([Tensor]) -> Tensor
    ) {
        let leaves = parameters.map { $0.requiringGrad() }
        let value = loss(leaves)
        XCTAssertEqual(value.count, 1, "verifyBackward: the loss must be a scalar", file: file, line: line)
        value.backward()
        let analytic = leaves.map { $0.grad ?? Tensor.zeros($0.shape) }
        assertMatches(analytic, numericGradients(parameters, loss), parameters, label: "backward", file: file, line: line)
    }

    private func compare(
        _ inputs: [Tensor], label: String, file: StaticString, line: UInt, _ function: @escaping ([Tensor]) -> Tensor
    ) {
        let leaves = inputs.map { $0.requiringGrad() }
        let output = function(leaves)
        let weights = projection(output.shape, salt: 0)
        let analytic = gradients(of: (output * weights).sum(), wrt: leaves)
        let numeric = numericGradients(inputs) { function($0) * weights }
        assertMatches(analytic, numeric, inputs, label: label, file: file, line: line)
    }

    /// d(Σ function(inputs))/d(each input element) by Richardson-refined central differences.
    private func numericGradients(_ inputs: [Tensor], _ function: ([Tensor]) -> Tensor) -> [[Double]] {
        inputs.enumerated().map { index, input in
            let values = input.scalars
            return (0..<input.count).map { element in
                func difference(_ step: Float) -> Double {
                    let plus = values[element] + step
                    let minus = values[element] - step
                    let high = evaluate(inputs, index, element, plus, function)
                    let low = evaluate(inputs, index, element, minus, function)
                    return (high - low) / (Double(plus) - Double(minus))
                }
                return (4 * difference(epsilon / 2) - difference(epsilon)) / 3
            }
        }
    }

    private func assertMatches(
        _ analytic: [Tensor], _ numeric: [[Double]], _ inputs: [Tensor], label: String, file: StaticString, line: UInt
    ) {
        let label = name.isEmpty ? label : "\(name), \(label)"
        for (index, input) in inputs.enumerated() {
            XCTAssertEqual(analytic[index].shape, input.shape, "\(label), input \(index): gradient shape", file: file, line: line)
            let exact = analytic[index].scalars.map(Double.init)
            let largest = numeric[index].map(Swift.abs).max() ?? 0
            if zeroGradientInputs.contains(index) {
                XCTAssertLessThanOrEqual(largest, tolerance, "\(label), input \(index): expected a zero gradient", file: file, line: line)
            } else if input.count > 0 {
                XCTAssertGreaterThan(
                    largest, 10 * tolerance, "\(label), input \(index): numeric gradient is ~0, the check is vacuous", file: file,
                    line: line)
            }
            let worst = zip(exact, numeric[index]).map { Swift.abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThanOrEqual(
                worst, tolerance * max(1, largest),
                "\(label), input \(index) \(input.shape): analytic \(exact.prefix(6)) numeric \(numeric[index].prefix(6))",
                file: file, line: line)
        }
    }

    /// Σ function(inputs) with one element replaced, summed in Double.
    private func evaluate(_ inputs: [Tensor], _ index: Int, _ element: Int, _ value: Float, _ function: ([Tensor]) -> Tensor) -> Double {
        let perturbed = inputs.enumerated().map { i, t -> Tensor in
            guard i == index else { return t.requiringGrad() }
            var scalars = t.scalars
            scalars[element] = value
            return Tensor(shape: t.shape, scalars: scalars).requiringGrad()
        }
        return function(perturbed).scalars.reduce(0.0) { $0 + Double($1) }
    }
}

/// Fixed pseudo-random weights of magnitude in [0.5, 1.5), distinct per salt; every
/// third is negative, so sums over broadcast axes do not cancel to ~0.
func projection(_ shape: [Int], salt: Int) -> Tensor {
    let u = RandomStream(seed: 99, purpose: "projection", step: salt).uniform(rows: 1, columns: max(1, shape.reduce(1, *))).scalars
    let n = shape.reduce(1, *)
    let values = (0..<n).map { i -> Float in
        let magnitude = 0.5 + u[i]
        return i % 3 == 2 ? -magnitude : magnitude
    }
    return Tensor(shape: shape, scalars: values)
}

/// A tensor of `shape` with normal values (seeded by `salt`), scaled and shifted.
func randomTensor(_ shape: [Int], salt: Int, scale: Float = 1, shift: Float = 0) -> Tensor {
    let n = shape.reduce(1, *)
    let values = RandomStream(seed: 7, purpose: "test-input", step: salt).normal(rows: 1, columns: max(n, 1)).scalars
    return Tensor(shape: shape, scalars: values.prefix(n).map { $0 * scale + shift })
}

/// Like `randomTensor`, but every element at least `margin` away from each of `kinks`
/// (finite differences across a kink of relu/abs/clamp are meaningless).
func randomTensorAvoiding(_ kinks: [Float], margin: Float = 0.05, _ shape: [Int], salt: Int) -> Tensor {
    let t = randomTensor(shape, salt: salt)
    let values = t.scalars.map { v -> Float in
        var v = v
        for k in kinks where Swift.abs(v - k) < margin { v = k + (v >= k ? margin : -margin) * 2 }
        return v
    }
    return Tensor(shape: shape, scalars: values)
}
