/// Throws unless `value` is finite and at least `minimum` (PyTorch's constructor checks).
func requireHyperparameter(_ name: String, _ value: Float, atLeast minimum: Float = 0) throws(OptimizerError) {
    guard value.isFinite, value >= minimum else {
        throw OptimizerError.invalidHyperparameter(name: name, value: value, expected: "a finite number >= \(minimum)")
    }
}

/// Throws unless `value` lies in [0, 1) (Adam's betas, RMSprop's alpha are averaging factors).
func requireAveragingFactor(_ name: String, _ value: Float) throws(OptimizerError) {
    guard value >= 0, value < 1 else {
        throw OptimizerError.invalidHyperparameter(name: name, value: value, expected: "a number in [0, 1)")
    }
}
