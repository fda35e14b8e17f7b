import NN

/// What a DCGAN generator's last layer maps images into.
public enum ImageOutput: String, Sendable, CaseIterable {
    /// [0, 1], as gan_mnist.py.
    case sigmoid
    /// [−1, 1], as gan_cifar.py.
    case tanh
}

extension ModelBuilders {
    /// The DCGAN-style generator of WGAN-GP's gan_mnist.py (and, at 32×32, gan_cifar.py's
    /// layout): a linear map to 4·D feature maps of 4×4, then three 5×5 stride-2 transposed
    /// convolutions doubling the side (4 → 8 → 16 → 32; at 28 the 8×8 maps are cropped to
    /// 7×7 first, giving 28). With `batchNorm`, batch normalization follows the linear layer
    /// and each hidden transposed convolution, before the ReLU. Initialization is PyTorch's
    /// default (gan_mnist.py's lib.ops draws He-style uniform weights averaged over fan-in
    /// and fan-out; we keep PyTorch's so a PyTorch user gets the distribution they expect).
    /// PyTorch equivalent for 28×28 (D = dim, C = channels; the nn.BatchNorm lines only with
    /// `batchNorm`; the Crop2d line only at 28; nn.Tanh() instead of nn.Sigmoid() for `.tanh`):
    ///
    ///     class Crop2d(nn.Module):  # keeps the top-left h x w pixels
    ///         def __init__(self, h, w): super().__init__(); self.h, self.w = h, w
    ///         def forward(self, x): return x[:, :, :self.h, :self.w]
    ///
    ///     nn.Sequential(
    ///         nn.Linear(latent, 4 * 4 * 4 * D),
    ///         nn.BatchNorm1d(4 * 4 * 4 * D),
    ///         nn.ReLU(),
    ///         nn.Unflatten(1, (4 * D, 4, 4)),
    ///         nn.ConvTranspose2d(4 * D, 2 * D, 5, stride=2, padding=2, output_padding=1),
    ///         nn.BatchNorm2d(2 * D),
    ///         nn.ReLU(),
    ///         Crop2d(7, 7),
    ///         nn.ConvTranspose2d(2 * D, D, 5, stride=2, padding=2, output_padding=1),
    ///         nn.BatchNorm2d(D),
    ///         nn.ReLU(),
    ///         nn.ConvTranspose2d(D, C, 5, stride=2, padding=2, output_padding=1),
    ///         nn.Sigmoid())
    ///
    /// Input [N, latentDimension], output [N, channels, imageSize, imageSize]. Without batch
    /// norm at 28 this is the computation of ConvG in bench/peer_pytorch.py.
    public static func dcganGenerator(
        latentDimension: Int = 128, dim: Int = 64, channels: Int = 1, imageSize: Int = 28, batchNorm: Bool = false,
        output: ImageOutput = .sigmoid, initialization: ModelInitialization = .pytorch, seed: UInt64
    ) throws(ModelBuilderError) -> Sequential {
        try requirePositive(["latent dimension": latentDimension, "dim": dim, "channels": channels])
        guard imageSize == 28 || imageSize == 32 else { throw ModelBuilderError.unsupportedImageSize(imageSize) }
        var list = LayerList(seed: seed, initialization: initialization)
        list.append(Linear(inputs: latentDimension, outputs: 4 * 4 * 4 * dim, initializer: list.initializer(), seed: seed, name: list.nextName))
        if batchNorm { list.append(BatchNorm(features: 4 * 4 * 4 * dim)) }
        list.append(ReLU())
        list.append(Unflatten(shape: [4 * dim, 4, 4]))
        let widths = [4 * dim, 2 * dim, dim, channels]
        for stage in 0..<3 {
            list.append(
                ConvTranspose2d(
                    inChannels: widths[stage], outChannels: widths[stage + 1], kernelSize: 5, stride: 2, padding: 2,
                    outputPadding: 1, initializer: list.initializer(lastLayer: stage == 2), seed: seed, name: list.nextName))
            guard stage < 2 else { break }
            if batchNorm { list.append(BatchNorm(features: widths[stage + 1], spatial: true)) }
            list.append(ReLU())
            if stage == 0 && imageSize == 28 { list.append(Crop2d(height: 7, width: 7)) }
        }
        switch output {
        case .sigmoid: list.append(Sigmoid())
        case .tanh: list.append(Tanh())
        }
        return list.sequential()
    }

    /// The DCGAN-style critic of gan_mnist.py: three 5×5 stride-2 convolutions with
    /// LeakyReLU(0.2) (28 → 14 → 7 → 4, or 32 → 16 → 8 → 4), then a linear map of the
    /// 4·D·4·4 features to one score; no batch normalization (it would couple the samples
    /// a gradient penalty treats separately). Each convolution and the Linear are optionally
    /// spectrally normalized. `initialization` defaults to PyTorch's (see `dcganGenerator`).
    /// PyTorch equivalent (D = dim, C = channels; sn = torch.nn.utils.spectral_norm when
    /// `spectralNorm`, else the identity):
    ///
    ///     nn.Sequential(
    ///         sn(nn.Conv2d(C, D, 5, stride=2, padding=2)), nn.LeakyReLU(0.2),
    ///         sn(nn.Conv2d(D, 2 * D, 5, stride=2, padding=2)), nn.LeakyReLU(0.2),
    ///         sn(nn.Conv2d(2 * D, 4 * D, 5, stride=2, padding=2)), nn.LeakyReLU(0.2),
    ///         nn.Flatten(),
    ///         sn(nn.Linear(4 * 4 * 4 * D, 1)))
    ///
    /// Input [N, C, S, S] or flat [N, C·S·S] (S = imageSize; viewed as images first), output
    /// [N, outputs] (the Linear maps to `outputs` features instead of one score when asked).
    /// Without spectral norm at 28 this is the computation of ConvD in bench/peer_pytorch.py.
    public static func dcganCritic(
        channels: Int = 1, dim: Int = 64, imageSize: Int = 28, outputs: Int = 1, spectralNorm: Bool = false,
        initialization: ModelInitialization = .pytorch, seed: UInt64
    ) throws(ModelBuilderError) -> Sequential {
        try requirePositive(["channels": channels, "dim": dim, "outputs": outputs])
        guard imageSize == 28 || imageSize == 32 else { throw ModelBuilderError.unsupportedImageSize(imageSize) }
        var list = LayerList(seed: seed, spectralNorm: spectralNorm, initialization: initialization)
        let widths = [channels, dim, 2 * dim, 4 * dim]
        for stage in 0..<3 {
            list.appendWeighted(
                Conv2d(
                    inChannels: widths[stage], outChannels: widths[stage + 1], kernelSize: 5, stride: 2, padding: 2,
                    initializer: list.initializer(), seed: seed, name: list.nextName))
            list.append(LeakyReLU(slope: 0.2))
        }
        list.append(Flatten())
        list.appendWeighted(
            Linear(inputs: 4 * 4 * 4 * dim, outputs: outputs, initializer: list.initializer(lastLayer: true), seed: seed, name: list.nextName))
        return list.sequential(inputShape: [channels, imageSize, imageSize])
    }
}
