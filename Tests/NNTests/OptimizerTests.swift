import Autograd
import NN
import XCTest

/// Two parameters ("a" [3], "b" [2, 2]) and two steps of fixed gradients. Expected values
/// are torch.optim's after each step with the same settings (first steps also by hand).
final class OptimizerTests: XCTestCase {
    private func makeParameters() -> NamedTensors {
        [
            (name: "a", tensor: Tensor([0.5, -1, 2]).requiringGrad()),
            (name: "b", tensor: Tensor(shape: [2, 2], scalars: [0.25, -0.75, 1.5, 0]).requiringGrad()),
        ]
    }

    private let gradientSteps: [[Tensor]] = [
        [Tensor([0.1, -0.2, 0.3]), Tensor(shape: [2, 2], scalars: [1, -0.5, 0, 2])],
        [Tensor([-0.3, 0.4, 0.05]), Tensor(shape: [2, 2], scalars: [0.5, 0.5, -1, 0.25])],
    ]

    /// Runs both steps and checks "a" and "b" after each; `between` runs after the first step.
    private func assertSteps(
        _ make: (NamedTensors) throws -> any Optimizer, _ expected: [([Float], [Float])],
        between: (any Optimizer) -> Void = { _ in }, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let parameters = makeParameters()
        let optimizer = try make(parameters)
        for (index, gradients) in gradientSteps.enumerated() {
            if index == 1 { between(optimizer) }
            optimizer.step(gradients: gradients)
            XCTAssertEqual(optimizer.stepCount, index + 1, file: file, line: line)
            let after = "after step \(index + 1)"
            assertClose(parameters[0].tensor.scalars, expected[index].0, accuracy: 1e-6, "a \(after)", file: file, line: line)
            assertClose(parameters[1].tensor.scalars, expected[index].1, accuracy: 1e-6, "b \(after)", file: file, line: line)
        }
    }

    func testSGDStepsMatchPyTorch() throws {
        // p − 0.1·g.
        try assertSteps(
            { try SGD(parameters: $0, learningRate: 0.1) },
            [
                ([0.49, -0.98, 1.97], [0.15, -0.7, 1.5, -0.2]),
                ([0.520000041, -1.01999998, 1.96500003], [0.100000009, -0.75, 1.60000002, -0.225000009]),
            ])
    }

    func testSGDMomentumWithWeightDecayMatchesPyTorch() throws {
        // Step 1: the buffer starts as g + 0.01·p, e.g. a₀: 0.1 + 0.005 → 0.5 − 0.0105 = 0.4895.
        try assertSteps(
            { try SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01) },
            [
                ([0.489499986, -0.978999972, 1.96800005], [0.149749994, -0.699249983, 1.49849999, -0.200000003]),
                ([0.509560466, -0.999120951, 1.93223202], [0.009375236, -0.702875733, 1.59565151, -0.404799998]),
            ])
    }

    func testSGDNesterovMatchesPyTorch() throws {
        // Step 1: buffer = g, step = g + 0.9·g = 1.9·g; a₀: 0.5 − 0.1·0.19 = 0.481.
        try assertSteps(
            { try SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true) },
            [
                ([0.481000006, -0.962000012, 1.94299996], [0.0599999987, -0.654999971, 1.5, -0.379999995]),
                ([0.529900014, -1.02180004, 1.90919995], [-0.116000004, -0.709499955, 1.69000006, -0.58949995]),
            ])
    }

    func testSGDDampeningAppliesFromTheSecondStep() throws {
        try assertSteps(
            { try SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, dampening: 0.5) },
            [
                ([0.49, -0.98, 1.97], [0.15, -0.7, 1.5, -0.2]),
                ([0.496000022, -0.981999993, 1.94050002], [0.0350000076, -0.680000007, 1.54999995, -0.392500013]),
            ])
    }

    func testAdamBiasCorrectionMatchesPyTorch() throws {
        // Step 1 after bias correction: m̂/√v̂ = g/|g|, so every element moves by lr against its
        // gradient's sign (0 stays put): a = [0.49, −0.99, 1.99].
        try assertSteps(
            { try Adam(parameters: $0, learningRate: 1e-2, betas: (0.5, 0.9)) },
            [
                ([0.49, -0.99, 1.99], [0.24, -0.74, 1.5, -0.01]),
                ([0.49730143, -0.996227026, 1.98363984], [0.231430873, -0.74333334, 1.50918937, -0.0160021484]),
            ])
    }

    func testAdamL2WeightDecayMatchesPyTorch() throws {
        // b₁₀ has gradient 0 but L2 adds 0.1·1.5, so it moves by lr too.
        try assertSteps(
            { try Adam(parameters: $0, learningRate: 1e-2, weightDecay: 0.1) },
            [
                ([0.49, -0.99, 1.99], [0.24, -0.74, 1.49, -0.01]),
                ([0.492952466, -0.990542948, 1.98068404], [0.23064588, -0.739048243, 1.49616599, -0.0175690036]),
            ])
    }

    /// 40 elements: 32 in 16-lane vectors, 8 in the scalar tail, their values repeating every 8.
    /// Every element must get the bits its twins get elsewhere (a sharded update puts an element in
    /// the vector body on one rank count and in the tail on another), and PyTorch's formula
    /// evaluated in Double to float rounding.
    func testAdamGivesAnElementTheSameBitsInVectorLanesAndInTheTail() throws {
        let (p0, g0): ([Float], [Float]) = ([0.5, -1, 2, 0, 1e-3, -0.25, 3, 0.75], [0.1, -0.2, 0, 2, 1e-4, -3, 0.5, 0.05])
        let values = (0..<40).map { p0[$0 % 8] }
        let parameter = Tensor(shape: [40], scalars: values).requiringGrad()
        let adam = try Adam(parameters: [(name: "w", tensor: parameter)], learningRate: 1e-2, betas: (0.5, 0.9), weightDecay: 0.1)
        var (p, m, v) = (p0.map(Double.init), [Double](repeating: 0, count: 8), [Double](repeating: 0, count: 8))
        for step in 1...3 {
            let g = g0.map { $0 * Float(step) }
            adam.step(gradients: [Tensor(shape: [40], scalars: (0..<40).map { g[$0 % 8] })])
            for i in 0..<8 {
                let gi = Double(g[i]) + 0.1 * p[i]
                m[i] = 0.5 * m[i] + 0.5 * gi
                v[i] = 0.9 * v[i] + 0.1 * gi * gi
                let denominator = (v[i] / (1 - pow(0.9, Double(step)))).squareRoot() + 1e-8
                p[i] -= 1e-2 / (1 - pow(0.5, Double(step))) * m[i] / denominator
            }
            let after = parameter.scalars
            for i in 8..<40 { XCTAssertEqual(after[i].bitPattern, after[i % 8].bitPattern, "element \(i) after step \(step)") }
            assertClose(Array(after[32..<40]), p.map(Float.init), accuracy: 1e-6, "after step \(step)")
        }
    }

    func testAdamWDecouplesWeightDecayMatchesPyTorch() throws {
        // Step 1: p·(1 − 0.01·0.1) − 0.01·sign(g): a₀ = 0.5·0.999 − 0.01 = 0.4895.
        try assertSteps(
            { try Adam(parameters: $0, learningRate: 1e-2, weightDecay: 0.1, decoupled: true) },
            [
                ([0.4895, -0.989, 1.988], [0.23975, -0.73925, 1.4985, -0.01]),
                ([0.493952423, -0.991672099, 1.97817886], [0.230188459, -0.739037097, 1.50444293, -0.017562231]),
            ])
    }

    func testLearningRateChangeTakesEffectOnTheNextStep() throws {
        try assertSteps(
            { try Adam(parameters: $0, learningRate: 1e-2, betas: (0.5, 0.9)) },
            [
                ([0.49, -0.99, 1.99], [0.24, -0.74, 1.5, -0.01]),
                ([0.493650734, -0.993113518, 1.98681986], [0.235715434, -0.741666675, 1.50459468, -0.0130010741]),
            ], between: { $0.learningRate = 5e-3 })
    }

    func testRMSpropMatchesPyTorch() throws {
        // Step 1: s = 0.01·g², p − 0.01·g/(0.1·|g| + 1e-8) = p − 0.1·sign(g).
        try assertSteps(
            { try RMSprop(parameters: $0, learningRate: 1e-2) },
            [
                ([0.400000095, -0.900000036, 1.9000001], [0.150000006, -0.650000036, 1.5, -0.0999999866]),
                ([0.494915873, -0.989532292, 1.8834796], [0.10509868, -0.720888138, 1.60000002, -0.112464979]),
            ])
    }

    func testCenteredRMSpropWithMomentumAndWeightDecayMatchesPyTorch() throws {
        try assertSteps(
            { try RMSprop(parameters: $0, learningRate: 1e-2, alpha: 0.9, weightDecay: 0.1, momentum: 0.5, centered: true) },
            [
                ([0.466666669, -0.966666698, 1.9666667], [0.216666669, -0.716666698, 1.4666667, -0.0333333313]),
                ([0.477802336, -0.973068714, 1.93398774], [0.183578297, -0.719545841, 1.48232639, -0.0543321781]),
            ])
    }

    func testStateNamesFollowPyTorchsPerParameterKinds() throws {
        let parameters = makeParameters()
        XCTAssertEqual(
            try Adam(parameters: parameters).stateTensors().map(\.name),
            ["a.exp_avg", "a.exp_avg_sq", "b.exp_avg", "b.exp_avg_sq", "step"])
        XCTAssertEqual(try SGD(parameters: parameters, learningRate: 0.1).stateTensors().map(\.name), ["step"])
        XCTAssertEqual(
            try SGD(parameters: parameters, learningRate: 0.1, momentum: 0.9).stateTensors().map(\.name),
            ["a.momentum_buffer", "b.momentum_buffer", "step"])
        XCTAssertEqual(
            try RMSprop(parameters: parameters, momentum: 0.5, centered: true).stateTensors().map(\.name),
            ["a.square_avg", "a.momentum_buffer", "a.grad_avg", "b.square_avg", "b.momentum_buffer", "b.grad_avg", "step"])
        XCTAssertEqual(try Adam(parameters: parameters).stateTensors()[1].tensor.shape, [3])
    }

    /// A run interrupted after step 1 and resumed from saved state continues exactly.
    func testStateRoundTripResumesIdentically() throws {
        let makers: [(NamedTensors) throws -> any Optimizer] = [
            { try Adam(parameters: $0, learningRate: 1e-2, betas: (0.5, 0.9)) },
            { try SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true) },
            { try RMSprop(parameters: $0, learningRate: 1e-2, momentum: 0.5, centered: true) },
        ]
        for make in makers {
            let original = makeParameters()
            let optimizer = try make(original)
            optimizer.step(gradients: gradientSteps[0])
            let saved = Dictionary(uniqueKeysWithValues: optimizer.stateTensors().map { ($0.name, $0.tensor.copy()) })
            let resumedParameters = NamedTensors(original.map { (name: $0.name, tensor: $0.tensor.requiringGrad()) })
            let resumed = try make(resumedParameters)
            try resumed.loadState(saved)
            XCTAssertEqual(resumed.stepCount, 1)
            optimizer.step(gradients: gradientSteps[1])
            resumed.step(gradients: gradientSteps[1])
            for (a, b) in zip(original, resumedParameters) {
                XCTAssertEqual(a.tensor.scalars, b.tensor.scalars, "\(type(of: optimizer))")
            }
        }
    }

    func testLoadStateRejectsMismatchedState() throws {
        let adam = try Adam(parameters: makeParameters())
        var state = Dictionary(uniqueKeysWithValues: adam.stateTensors().map { ($0.name, $0.tensor) })
        state["b.exp_avg"] = Tensor.zeros([4])
        XCTAssertThrowsError(try adam.loadState(state)) { error in
            XCTAssertEqual(error as? OptimizerError, .shapeMismatch(name: "b.exp_avg", expected: [2, 2], found: [4]))
        }
        state["b.exp_avg"] = Tensor.zeros([2, 2])
        state["step"] = Tensor(2.5)
        XCTAssertThrowsError(try adam.loadState(state)) { error in
            XCTAssertEqual("\(error)", "optimizer state 'step' is 2.5, expected a whole number of steps")
        }
        state["step"] = nil
        XCTAssertThrowsError(try adam.loadState(state)) { error in
            XCTAssertEqual(error as? OptimizerError, .missingState(name: "step", expectedShape: []))
        }
        let sgd = try SGD(parameters: makeParameters(), learningRate: 0.1)
        XCTAssertThrowsError(try sgd.loadState(["step": Tensor(1), "a.momentum_buffer": Tensor.zeros([3])])) { error in
            XCTAssertEqual("\(error)", "optimizer state has tensor 'a.momentum_buffer', which this optimizer does not keep")
        }
    }

    func testInvalidSettingsAreRejected() {
        XCTAssertThrowsError(try Adam(parameters: makeParameters(), betas: (0.5, 1))) { error in
            XCTAssertEqual("\(error)", "optimizer setting 'beta2' is 1.0, expected a number in [0, 1)")
        }
        XCTAssertThrowsError(try SGD(parameters: makeParameters(), learningRate: -1))
        XCTAssertThrowsError(try SGD(parameters: makeParameters(), learningRate: 0.1, nesterov: true))
        XCTAssertThrowsError(try RMSprop(parameters: makeParameters(), alpha: 1.5))
    }
}
