import Autograd
import NN

/// A critic whose second hidden layer is a feature map (fast_sw's MNIST discriminator):
/// flattened samples → Linear(d, W) → ReLU → Linear(W, W) → ReLU = features → Linear(W, 1)
/// = score. PyTorch equivalent of `model` (W = width):
///
///     nn.Sequential(nn.Linear(d, W), nn.ReLU(), nn.Linear(W, W), nn.ReLU(), nn.Linear(W, 1))
///
/// `features` and `score` share `model`'s tensors.
public struct FeatureCritic {
    /// The whole critic, samples [N] + shape to scores [N, 1] (what is trained and saved).
    public let model: Sequential
    /// Samples to the second hidden layer's activations [N, W].
    public let features: Sequential
    /// Features to scores.
    public let score: any Module

    public init(model: Sequential, sampleShape: [Int]) {
        self.model = model
        features = Sequential(Array(model.layers.prefix(4)), inputShape: [sampleShape.reduce(1, *)])
        score = model.layers[4]
    }
}

extension ModelBuilders {
    /// fast_sw's feature critic for samples of `sampleShape` (see `FeatureCritic`), hidden
    /// layers He- or PyTorch-initialized as `initialization` says.
    public static func featureCritic(sampleShape: [Int], width: Int, initialization: ModelInitialization, seed: UInt64) throws(ModelBuilderError) -> FeatureCritic {
        let inputs = sampleShape.reduce(1, *)
        try requirePositive(["input dimension": inputs, "width": width])
        var list = LayerList(seed: seed, initialization: initialization)
        for fanIn in [inputs, width] {
            list.appendWeighted(Linear(inputs: fanIn, outputs: width, initializer: list.initializer(), seed: list.seed, name: list.nextName))
            list.append(ReLU())
        }
        list.appendWeighted(Linear(inputs: width, outputs: 1, initializer: list.initializer(lastLayer: true), seed: list.seed, name: list.nextName))
        return FeatureCritic(model: list.sequential(inputShape: [inputs]), sampleShape: sampleShape)
    }
}
