import Autograd
import NN

/// An exponential moving average of the generator's parameters (StyleGAN's G_ema),
/// the generator one samples and evaluates. Buffers (batch-norm running statistics)
/// are not averaged but copied from the generator at each update, as StyleGAN does.
public final class GeneratorEMA {
    public let schedule: EMASchedule
    private let parameterNames: [String]
    private let averages: [Tensor]
    private let bufferNames: [String]
    private let bufferCopies: [Tensor]

    /// Starts as a copy of `parameters` (and `buffers`), keeping their names.
    public init(
        parameters: NamedTensors, buffers: NamedTensors = [],
        schedule: EMASchedule
    ) {
        self.schedule = schedule
        parameterNames = parameters.map(\.name)
        averages = parameters.map { $0.tensor.copy() }
        bufferNames = buffers.map(\.name)
        bufferCopies = buffers.map { $0.tensor.copy() }
    }

    /// Starts as a copy of `generator`'s parameters and buffers.
    public convenience init(generator: any Module, schedule: EMASchedule) {
        self.init(parameters: generator.namedParameters, buffers: generator.namedBuffers, schedule: schedule)
    }

    /// Moves the average towards `parameters` (same order and shapes as at init) and
    /// copies `buffers`. `step` is the number of generator updates made before this one
    /// (0 at the first), so `step · batchSize` images have been seen (StyleGAN's cur_nimg).
    /// Computed as p + β·(p_ema − p), which copies p exactly when β is 0.
    public func update(from parameters: [Tensor], buffers: [Tensor] = [], step: Int, batchSize: Int) {
        precondition(
            parameters.count == averages.count && buffers.count == bufferCopies.count,
            "GeneratorEMA.update: got \(parameters.count) parameters and \(buffers.count) buffers, "
                + "the average holds \(averages.count) and \(bufferCopies.count)")
        let beta = Float(schedule.beta(imagesSeen: step * batchSize, batchSize: batchSize))
        for (average, parameter) in zip(averages, parameters) {
            precondition(
                average.shape == parameter.shape,
                "GeneratorEMA.update: parameter of shape \(parameter.shape) for an average of \(average.shape)")
            parameter.withScalars { p in
                average.withMutableScalars { a in
                    for i in 0..<a.count { a[i] = p[i] + beta * (a[i] - p[i]) }
                }
            }
        }
        for (copy, buffer) in zip(bufferCopies, buffers) { copy.assign(buffer) }
    }

    /// `update(from:buffers:step:batchSize:)` with `generator`'s parameters and buffers.
    public func update(from generator: any Module, step: Int, batchSize: Int) {
        update(
            from: generator.namedParameters.map(\.tensor), buffers: generator.namedBuffers.map(\.tensor), step: step,
            batchSize: batchSize)
    }

    /// The averaged parameters, then the copied buffers, under the generator's names:
    /// what a checkpoint saves and what `Module.loadState` puts into a generator for sampling.
    public var namedAverages: NamedTensors {
        NamedTensors(zip(parameterNames + bufferNames, averages + bufferCopies).map { (name: $0, tensor: $1) })
    }

    /// Restores a saved average; strict about names and shapes, as `Module.loadState`.
    public func load(_ state: [String: Tensor]) throws(ModuleError) {
        let expected = namedAverages
        if let mismatch = ModuleError.firstMismatch(expected: expected, state: state) { throw mismatch }
        for (name, tensor) in expected {
            if let saved = state[name] { tensor.assign(saved) }
        }
    }
}
