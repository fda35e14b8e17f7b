import XCTest

@testable import Autograd

/// Central finite differences, accumulated in Double, against the engine's gradients.
///
/// The function's output is projected onto fixed random weights, L = Σ wᵢ·yᵢ, so
/// every output element takes part. Numeric: (L(x+ε) − L(x−ε)) / (actual 2ε) per
/// input element, with the projection summed in Double. The check passes when
/// max |analytic − numeric| ≤ tolerance · max(1, max |numeric|).
struct GradientCheck {
    var epsilon: Float = 1e-2
    var tolerance: Double = 2e-3

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

    private func compare(
        _ inputs: [Tensor], label: String, file: StaticString, line: UInt, _ function: @escaping ([Tensor]) -> Tensor
    ) {
        let leaves = inputs.map { $0.requiringGrad() }
        let output = function(leaves)
        let weights = projection(output.shape, salt: 0)
        let analytic = gradients(of: (output * weights).sum(), wrt: leaves)

        for (index, input) in inputs.enumerated() {
            var numeric = [Double](repeating: 0, count: input.count)
            let values = input.scalars
            for element in 0..<input.count {
                let plus = values[element] + epsilon
                let minus = values[element] - epsilon
                let high = evaluate(inputs, index, element, plus, weights, function)
                let low = evaluate(inputs, index, element, minus, weights, function)
                numeric[element] = (high - low) / (Double(plus) - Double(minus))
            }
            let exact = analytic[index].scalars.map(Double.init)
            let scale = max(1, numeric.map(Swift.abs).max() ?? 0)
            let worst = zip(exact, numeric).map { Swift.abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(
                worst, tolerance * scale,
                "\(label), input \(index) \(input.shape): analytic \(exact.prefix(6)) numeric \(numeric.prefix(6))",
                file: file, line: line)
        }
    }

    /// L at the inputs with one element replaced, summed in Double.
    private func evaluate(
        _ inputs: [Tensor], _ index: Int, _ element: Int, _ value: Float, _ weights: Tensor,
        _ function: ([Tensor]) -> Tensor
    ) -> Double {
        let perturbed = inputs.enumerated().map { i, t -> Tensor in
            guard i == index else { return t.requiringGrad() }
            var scalars = t.scalars
            scalars[element] = value
            return Tensor(shape: t.shape, scalars: scalars).requiringGrad()
        }
        let y = function(perturbed).scalars
        let w = weights.scalars
        var total = 0.0
        for i in y.indices { total += Double(y[i]) * Double(w[i]) }
        return total
    }
}

/// Fixed pseudo-random weights in [0.5, 1.5) with random signs, distinct per salt.
func projection(_ shape: [Int], salt: Int) -> Tensor {
    let u = RandomStream(seed: 99, purpose: "projection", step: salt).uniform(rows: 1, columns: max(1, shape.reduce(1, *))).scalars
    let n = shape.reduce(1, *)
    let values = (0..<n).map { i -> Float in
        let magnitude = 0.5 + u[i]
        return i % 2 == 0 ? magnitude : -magnitude
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
