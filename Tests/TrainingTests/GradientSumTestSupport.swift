import Autograd
import MPI
import NN

@testable import Training

/// A module that is nothing but parameters of the given shapes (named p0, p1, ...).
final class ParameterBlock: Module {
    let namedParameters: NamedTensors
    var namedBuffers: NamedTensors { [] }
    var isTraining = true

    init(_ shapes: [[Int]]) {
        namedParameters = NamedTensors(shapes.enumerated().map { (name: "p\($0.offset)", tensor: Tensor.zeros($0.element).requiringGrad()) })
    }

    func callAsFunction(_ input: Tensor) -> Tensor { input }
}

/// A network of parameters of `shapes`, updated by plain SGD at learning rate 1.
func parameterNetwork(_ shapes: [[Int]], name: String = "net", comm: any Communicator) throws -> Network {
    try Network(
        name: name, metricsKey: name, build: { ParameterBlock(shapes) }, settings: .init(kind: .sgd, learningRate: 1), steps: 1, comm: comm)
}

/// A loss whose gradient with respect to parameter i is `gradients[i]` (nil: the loss does
/// not use it), its terms added in `order`: the backward pass finishes them in reverse.
func linearLoss(_ parameters: NamedTensors, gradients: [Tensor?], order: [Int]) -> Tensor {
    var total: Tensor?
    for index in order {
        guard let gradient = gradients[index] else { continue }
        let term = (parameters[index].tensor * gradient).sum()
        total = total.map { $0 + term } ?? term
    }
    return total ?? Tensor(0)
}

/// An updater with the given settings, quiet.
func makeUpdater(_ comm: any Communicator, _ settings: CommunicationSettings, timeline: Timeline = .disabled) throws -> NetworkUpdater {
    try NetworkUpdater(comm: comm, settings: settings, timeline: timeline, skipLimit: 0, debugChecks: false, say: { _ in })
}
