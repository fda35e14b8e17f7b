import Autograd
import NN

/// A maxout MLP with a residual linear skip from the input into every hidden layer:
/// the input-convex maxout network (ICMN) of Choquet-Toland critics (stochastic-orders-ICMN,
/// `DistributionDiscriminator` with `activation='max_out'`), and, with more layers and two
/// outputs, that repository's generator. With the weights of `main` and `main_output` kept
/// non-negative (`convexParameterNames`) the output is a convex function of the input: the
/// first layer is affine, maxout of affine maps is convex, a non-negative combination of
/// convex functions plus an affine skip is convex, and maxout keeps convexity.
/// PyTorch equivalent (W = width, k = maxout, H = W / k):
///
///     class MaxoutResidualMLP(nn.Module):
///         def __init__(self, inputs, W, layers, k, outputs):
///             super().__init__()
///             self.residual = nn.Linear(inputs, W // k)
///             self.input_to_hidden = nn.Sequential(nn.Linear(inputs, W), nn.MaxPool1d(k))
///             self.main = nn.Sequential(*[nn.Sequential(nn.Linear(W // k, W), nn.MaxPool1d(k))
///                                         for _ in range(layers - 1)])
///             self.main_output = nn.Linear(W // k, outputs)
///         def forward(self, x):
///             out = self.input_to_hidden(x)
///             for layer in self.main:
///                 out = layer(out) + self.residual(x)
///             return self.main_output(out)
///
/// Input [N, inputs], output [N, outputs]. Initialization is PyTorch's default, keyed by
/// each layer's name.
public final class MaxoutResidualMLP: Module {
    public let residual: Linear
    public let inputToHidden: Linear
    public let main: [Linear]
    public let mainOutput: Linear
    /// Units whose maximum each maxout takes.
    public let maxout: Int
    public var isTraining = true

    /// `layers` counts the input layer and the residual hidden layers (the reference's
    /// `num_layers`); `width` must be a multiple of `maxout`.
    public init(inputs: Int, width: Int, layers: Int, maxout: Int, outputs: Int, seed: UInt64) throws(ModelBuilderError) {
        try requirePositive(["inputs": inputs, "width": width, "layers": layers, "maxout": maxout, "outputs": outputs])
        guard width % maxout == 0 else { throw ModelBuilderError.widthNotMultipleOfMaxout(width: width, maxout: maxout) }
        let hidden = width / maxout
        self.maxout = maxout
        residual = Linear(inputs: inputs, outputs: hidden, seed: seed, name: "residual")
        inputToHidden = Linear(inputs: inputs, outputs: width, seed: seed, name: "input_to_hidden.0")
        main = (0..<(layers - 1)).map { Linear(inputs: hidden, outputs: width, seed: seed, name: "main.\($0).0") }
        mainOutput = Linear(inputs: hidden, outputs: outputs, seed: seed, name: "main_output")
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        var output = maxoutUnits(inputToHidden(input), groupSize: maxout)
        if !main.isEmpty {
            let skip = residual(input)
            for layer in main { output = maxoutUnits(layer(output), groupSize: maxout) + skip }
        }
        return mainOutput(output)
    }

    public var children: [any Module] { [residual, inputToHidden] + main + [mainOutput] }

    public var namedParameters: NamedTensors {
        var named = residual.namedParameters.prefixed("residual.") + inputToHidden.namedParameters.prefixed("input_to_hidden.0.")
        for (index, layer) in main.enumerated() { named += layer.namedParameters.prefixed("main.\(index).0.") }
        return named + mainOutput.namedParameters.prefixed("main_output.")
    }

    public var namedBuffers: NamedTensors { [] }

    /// The weights kept non-negative for convexity in the input (the reference projects
    /// the weights of `main` and `main_output`; biases and the first and skip layers are free).
    public var convexParameterNames: Set<String> {
        Set((0..<main.count).map { "main.\($0).0.weight" } + ["main_output.weight"])
    }
}

/// Maxout over consecutive groups of `groupSize` features: [N, G·k] → [N, G], each output
/// the largest of its k inputs (PyTorch's `nn.MaxPool1d(k)` on a 2-D batch). The gradient
/// goes to the largest input of each group (the first one on ties).
public func maxoutUnits(_ x: Tensor, groupSize k: Int) -> Tensor {
    precondition(x.rank == 2 && x.shape[1] % k == 0, "maxoutUnits: \(x.shape) is not [N, a multiple of \(k)]")
    guard k > 1 else { return x }
    let (n, groups) = (x.shape[0], x.shape[1] / k)
    let grouped = x.reshaped([n, groups, k])
    var result = grouped.slice(axis: 2, 0..<1)
    for j in 1..<k { result = maximum(result, grouped.slice(axis: 2, j..<(j + 1))) }
    return result.reshaped([n, groups])
}
