import Autograd
import NN
import XCTest

/// Central finite differences over a module's parameters (and its input), against the
/// gradients Autograd computes. The checked quantity T (the module's output, or a squared
/// input gradient for second order) is projected onto fixed weights, L = Σ wᵢ·Tᵢ, summed
/// in Double for the numeric side. Passes when max |analytic − numeric| ≤
/// tolerance · max(1, max |numeric|). Parameters are perturbed in place and restored.
/// A numeric gradient that is all but zero proves nothing, so it fails unless the
/// parameter (by name) or the input ("input") is listed in `zeroGradients`.
struct ModuleGradientCheck {
    var epsilon: Float = 1e-2
    var tolerance: Double = 2e-3
    /// Parameter names (and "input") whose gradient is zero by nature in the checked quantity.
    var zeroGradients: Set<String> = []

    /// First order: ∂L/∂θ and ∂L/∂x for T = module(x).
    func verify(_ module: any Module, input: Tensor, file: StaticString = #filePath, line: UInt = #line) {
        compare(module, input: input, label: "first order", file: file, line: line) { x in module(x) }
    }

    /// Second order, as a gradient penalty needs: T = v ⊙ (∂(Σ w·module(x))/∂x)², with the
    /// inner gradient taken with createGraph; checks ∂L/∂θ (and ∂L/∂x).
    func verifySecondOrder(_ module: any Module, input: Tensor, file: StaticString = #filePath, line: UInt = #line) {
        compare(module, input: input, label: "second order", file: file, line: line) { x in
            let y = module(x)
            let inputGradient = gradients(of: (y * fixedWeights(y.shape, salt: 1)).sum(), wrt: [x], createGraph: true)[0]
            return inputGradient.square() * fixedWeights(inputGradient.shape, salt: 2)
        }
    }

    private func compare(
        _ module: any Module, input: Tensor, label: String, file: StaticString, line: UInt,
        _ quantity: @escaping (Tensor) -> Tensor
    ) {
        let named = module.namedParameters
        let x = input.requiringGrad()
        let output = quantity(x)
        let weights = fixedWeights(output.shape, salt: 0)
        let analytic = gradients(of: (output * weights).sum(), wrt: named.map(\.tensor) + [x])
        let projected = { (t: Tensor) -> Double in
            zip(t.scalars, weights.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }

        for (index, (name, parameter)) in named.enumerated() {
            let numeric = (0..<parameter.count).map { element in
                centralDifference(parameter, element) { projected(quantity(input.requiringGrad())) }
            }
            check(analytic[index].scalars, numeric, "\(label), parameter '\(name)' \(parameter.shape)", zero: zeroGradients.contains(name), file, line)
        }
        let inputLeaf = input.requiringGrad()
        let numeric = (0..<input.count).map { element in
            centralDifference(inputLeaf, element) { projected(quantity(inputLeaf.detached().requiringGrad())) }
        }
        check(analytic[named.count].scalars, numeric, "\(label), input \(input.shape)", zero: zeroGradients.contains("input"), file, line)
    }

    /// (f(θ + ε) − f(θ − ε)) / (2ε) for one element of a leaf, restoring it afterwards.
    private func centralDifference(_ leaf: Tensor, _ element: Int, _ f: () -> Double) -> Double {
        let original = leaf.scalars[element]
        let (plus, minus) = (original + epsilon, original - epsilon)
        leaf.withMutableScalars { $0[element] = plus }
        let high = f()
        leaf.withMutableScalars { $0[element] = minus }
        let low = f()
        leaf.withMutableScalars { $0[element] = original }
        return (high - low) / (Double(plus) - Double(minus))
    }

    private func check(_ analytic: [Float], _ numeric: [Double], _ label: String, zero: Bool, _ file: StaticString, _ line: UInt) {
        let largest = numeric.map(Swift.abs).max() ?? 0
        if zero {
            XCTAssertLessThanOrEqual(largest, tolerance, "\(label): expected a zero gradient", file: file, line: line)
        } else if !numeric.isEmpty {
            XCTAssertGreaterThan(largest, 10 * tolerance, "\(label): numeric gradient is ~0, the check is vacuous", file: file, line: line)
        }
        let scale = max(1, largest)
        let worst = zip(analytic, numeric).map { Swift.abs(Double($0) - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(
            worst, tolerance * scale, "\(label): analytic \(analytic.prefix(6)) numeric \(numeric.prefix(6))",
            file: file, line: line)
    }
}

/// Fixed pseudo-random weights of magnitude in [0.5, 1.5) with alternating signs, distinct per salt.
func fixedWeights(_ shape: [Int], salt: Int) -> Tensor {
    let count = shape.reduce(1, *)
    let unit = RandomStream(seed: 2024, purpose: "projection", step: salt).uniform(rows: 1, columns: max(count, 1)).scalars
    return Tensor(shape: shape, scalars: (0..<count).map { i in (i % 2 == 0 ? 1 : -1) * (0.5 + unit[i]) })
}

/// Standard normal values of `shape`, scaled, from a stream keyed by `salt`.
func normalTensor(_ shape: [Int], salt: Int, scale: Float = 1) -> Tensor {
    let count = shape.reduce(1, *)
    let values = RandomStream(seed: 11, purpose: "test input", step: salt).normal(rows: 1, columns: max(count, 1)).scalars
    return Tensor(shape: shape, scalars: values.prefix(count).map { $0 * scale })
}

/// Asserts two float lists agree elementwise within `accuracy`.
func assertClose(
    _ actual: [Float], _ expected: [Float], accuracy: Float = 1e-5, _ message: String = "", file: StaticString = #filePath,
    line: UInt = #line
) {
    XCTAssertEqual(actual.count, expected.count, "\(message): element counts differ", file: file, line: line)
    for (i, (a, e)) in zip(actual, expected).enumerated() where !(Swift.abs(a - e) <= accuracy) {
        XCTFail("\(message): element \(i) is \(a), expected \(e) (±\(accuracy))", file: file, line: line)
        return
    }
}

/// The names and shapes of a list of named tensors, for comparing with PyTorch's state_dict.
func namesAndShapes(_ list: NamedTensors) -> [String] {
    list.map { "\($0.name) \($0.tensor.shape)" }
}
