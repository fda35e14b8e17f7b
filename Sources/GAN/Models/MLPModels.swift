import NN

extension ModelBuilders {
    /// The 2-D toy generator of WGAN-GP's gan_toy.py: three ReLU layers of `width`, then a
    /// linear output. Initialized `.he` by default: hidden weights He-uniform, the last
    /// Glorot-uniform, biases zero (gan_toy.py's lib.ops). PyTorch equivalent (W = width):
    ///
    ///     nn.Sequential(nn.Linear(latent, W), nn.ReLU(), nn.Linear(W, W), nn.ReLU(),
    ///                   nn.Linear(W, W), nn.ReLU(), nn.Linear(W, output))
    ///
    /// Input [N, latentDimension], output [N, outputDimension].
    public static func mlpGenerator(
        latentDimension: Int = 2, width: Int = 512, outputDimension: Int = 2, initialization: ModelInitialization = .he, seed: UInt64
    ) throws(ModelBuilderError) -> Sequential {
        try requirePositive(["latent dimension": latentDimension, "width": width, "output dimension": outputDimension])
        var list = LayerList(seed: seed, initialization: initialization)
        appendMLP(to: &list, inputs: latentDimension, width: width, outputs: outputDimension)
        return list.sequential()
    }

    /// The 2-D toy critic of gan_toy.py: the generator's shape with one output, each
    /// Linear optionally spectrally normalized (SN-GAN). Same initialization as
    /// `mlpGenerator`. PyTorch equivalent (W = width; sn = torch.nn.utils.spectral_norm
    /// when `spectralNorm`, else the identity):
    ///
    ///     nn.Sequential(sn(nn.Linear(input, W)), nn.ReLU(), sn(nn.Linear(W, W)), nn.ReLU(),
    ///                   sn(nn.Linear(W, W)), nn.ReLU(), sn(nn.Linear(W, 1)))
    ///
    /// Input [N, inputDimension], output [N, outputs] (one score, or features for a method that
    /// compares samples in a critic's feature space).
    public static func mlpCritic(
        inputDimension: Int = 2, width: Int = 512, outputs: Int = 1, spectralNorm: Bool = false, initialization: ModelInitialization = .he,
        seed: UInt64
    ) throws(ModelBuilderError) -> Sequential {
        try requirePositive(["input dimension": inputDimension, "width": width, "outputs": outputs])
        var list = LayerList(seed: seed, spectralNorm: spectralNorm, initialization: initialization)
        appendMLP(to: &list, inputs: inputDimension, width: width, outputs: outputs)
        return list.sequential()
    }

    /// Linear + ReLU three times, then a linear output layer.
    private static func appendMLP(to list: inout LayerList, inputs: Int, width: Int, outputs: Int) {
        var fanIn = inputs
        for _ in 0..<3 {
            list.appendWeighted(
                Linear(inputs: fanIn, outputs: width, initializer: list.initializer(), seed: list.seed, name: list.nextName))
            list.append(ReLU())
            fanIn = width
        }
        list.appendWeighted(
            Linear(inputs: width, outputs: outputs, initializer: list.initializer(lastLayer: true), seed: list.seed, name: list.nextName))
    }
}
