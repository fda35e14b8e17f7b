import NN

extension ModelBuilders {
    /// The DCGAN generator for 64×64 images (Radford et al. 2016, as PyTorch's DCGAN
    /// example builds it): the latent vector as a 1×1 map, a 4×4 transposed convolution to
    /// 8·D maps of 4×4, then four 4×4 stride-2 transposed convolutions doubling the side
    /// (4 → 8 → 16 → 32 → 64), batch normalization and ReLU after every one but the last.
    /// Convolutions followed by batch norm have no bias. Tandem's pixels lie in [0, 1], so the
    /// output is a sigmoid where the paper's [−1, 1] data take a tanh (`output`). PyTorch
    /// equivalent (D = dim, C = channels, Z = latent):
    ///
    ///     nn.Sequential(
    ///         nn.Unflatten(1, (Z, 1, 1)),
    ///         nn.ConvTranspose2d(Z, 8 * D, 4, 1, 0, bias=False), nn.BatchNorm2d(8 * D), nn.ReLU(),
    ///         nn.ConvTranspose2d(8 * D, 4 * D, 4, 2, 1, bias=False), nn.BatchNorm2d(4 * D), nn.ReLU(),
    ///         nn.ConvTranspose2d(4 * D, 2 * D, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * D), nn.ReLU(),
    ///         nn.ConvTranspose2d(2 * D, D, 4, 2, 1, bias=False), nn.BatchNorm2d(D), nn.ReLU(),
    ///         nn.ConvTranspose2d(D, C, 4, 2, 1),
    ///         nn.Sigmoid())
    ///
    /// Input [N, latentDimension], output [N, channels, 64, 64].
    public static func dcgan64Generator(
        latentDimension: Int = 128, dim: Int = 64, channels: Int = 3, output: ImageOutput = .sigmoid,
        initialization: ModelInitialization = .pytorch, seed: UInt64
    ) throws(ModelBuilderError) -> Sequential {
        try requirePositive(["latent dimension": latentDimension, "dim": dim, "channels": channels])
        var list = LayerList(seed: seed, initialization: initialization)
        list.append(Unflatten(shape: [latentDimension, 1, 1]))
        let widths = [latentDimension, 8 * dim, 4 * dim, 2 * dim, dim, channels]
        for stage in 0..<5 {
            let last = stage == 4
            list.append(
                ConvTranspose2d(
                    inChannels: widths[stage], outChannels: widths[stage + 1], kernelSize: 4, stride: stage == 0 ? 1 : 2,
                    padding: stage == 0 ? 0 : 1, bias: last, initializer: list.initializer(lastLayer: last), seed: seed,
                    name: list.nextName))
            guard !last else { break }
            list.append(BatchNorm(features: widths[stage + 1], spatial: true))
            list.append(ReLU())
        }
        list.append(output == .sigmoid ? Sigmoid() : Tanh())
        return list.sequential()
    }

    /// The DCGAN critic for 64×64 images: four 4×4 stride-2 convolutions with
    /// LeakyReLU(0.2) (64 → 32 → 16 → 8 → 4, widths D, 2D, 4D, 8D), then a 4×4 convolution
    /// to one score. The paper's discriminator has batch norm in its hidden layers; this
    /// critic has none (batch statistics would couple the samples a gradient penalty treats
    /// separately, as WGAN-GP notes), so every convolution keeps its bias, and each is
    /// optionally spectrally normalized. PyTorch equivalent (sn = torch.nn.utils.spectral_norm
    /// when `spectralNorm`, else the identity):
    ///
    ///     nn.Sequential(
    ///         sn(nn.Conv2d(C, D, 4, 2, 1)), nn.LeakyReLU(0.2),
    ///         sn(nn.Conv2d(D, 2 * D, 4, 2, 1)), nn.LeakyReLU(0.2),
    ///         sn(nn.Conv2d(2 * D, 4 * D, 4, 2, 1)), nn.LeakyReLU(0.2),
    ///         sn(nn.Conv2d(4 * D, 8 * D, 4, 2, 1)), nn.LeakyReLU(0.2),
    ///         sn(nn.Conv2d(8 * D, 1, 4, 1, 0)),
    ///         nn.Flatten())
    ///
    /// Input [N, C, 64, 64] or flat [N, C·64·64], output [N, 1].
    public static func dcgan64Critic(
        channels: Int = 3, dim: Int = 64, spectralNorm: Bool = false, initialization: ModelInitialization = .pytorch, seed: UInt64
    ) throws(ModelBuilderError) -> Sequential {
        try requirePositive(["channels": channels, "dim": dim])
        var list = LayerList(seed: seed, spectralNorm: spectralNorm, initialization: initialization)
        let widths = [channels, dim, 2 * dim, 4 * dim, 8 * dim]
        for stage in 0..<4 {
            list.appendWeighted(
                Conv2d(
                    inChannels: widths[stage], outChannels: widths[stage + 1], kernelSize: 4, stride: 2, padding: 1,
                    initializer: list.initializer(), seed: seed, name: list.nextName))
            list.append(LeakyReLU(slope: 0.2))
        }
        list.appendWeighted(
            Conv2d(inChannels: 8 * dim, outChannels: 1, kernelSize: 4, initializer: list.initializer(lastLayer: true), seed: seed, name: list.nextName))
        list.append(Flatten())
        return list.sequential(inputShape: [channels, 64, 64])
    }
}
