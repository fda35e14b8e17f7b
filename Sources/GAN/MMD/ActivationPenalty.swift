import Autograd
import NN

/// MMD GAN's L2 penalty on the critic's activations: per sample, the mean square of
/// every hidden layer's output (taken after each activation) and of the final
/// features, summed over the layers. One forward pass gives both the features and
/// the per-sample penalty.
public enum ActivationPenalty {
    /// The critic's output and, per sample ([n]), Σ over layers of mean(output²).
    public static func forward(_ critic: Sequential, _ input: Tensor) -> (output: Tensor, squares: Tensor) {
        var x = input
        if let shape = critic.inputShape { x = x.reshaped([-1] + shape) }
        var squares: Tensor?
        for (index, layer) in critic.layers.enumerated() {
            x = layer(x)
            if isActivation(layer) || index == critic.layers.count - 1 {
                let term = x.flattenedBatch().square().mean(axes: [1])
                squares = squares.map { $0 + term } ?? term
            }
        }
        if let shape = critic.outputShape { x = x.reshaped([-1] + shape) }
        return (x, squares ?? Tensor.zeros([input.shape[0]]))
    }

    private static func isActivation(_ layer: any Module) -> Bool {
        layer is ReLU || layer is LeakyReLU || layer is Tanh || layer is Sigmoid || layer is ELU
    }
}
