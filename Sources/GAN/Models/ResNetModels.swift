import NN

extension ModelBuilders {
    /// SNGAN's ResNet generator for 32×32 images (Miyato et al. 2018, CIFAR-10): a linear
    /// map to G maps of 4×4, three up-blocks (4 → 8 → 16 → 32), then batch norm, ReLU, a 3×3
    /// convolution to the image channels and a sigmoid (Tandem's pixels lie in [0, 1]; the
    /// paper's [−1, 1] data take a tanh, `output`). Each up-block is a `Residual` whose branch
    /// is BN, ReLU, nearest upsampling, 3×3 conv, BN, ReLU, 3×3 conv, and whose shortcut is
    /// upsampling and a 1×1 conv. PyTorch equivalent (G = width, C = channels, Z = latent;
    /// Residual as in Sources/NN/Modules/Residual.swift):
    ///
    ///     def up_block(G):
    ///         return Residual(
    ///             nn.Sequential(nn.BatchNorm2d(G), nn.ReLU(), nn.Upsample(scale_factor=2),
    ///                           nn.Conv2d(G, G, 3, padding=1), nn.BatchNorm2d(G), nn.ReLU(),
    ///                           nn.Conv2d(G, G, 3, padding=1)),
    ///             nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(G, G, 1)))
    ///
    ///     nn.Sequential(
    ///         nn.Linear(Z, 4 * 4 * G), nn.Unflatten(1, (G, 4, 4)),
    ///         up_block(G), up_block(G), up_block(G),
    ///         nn.BatchNorm2d(G), nn.ReLU(), nn.Conv2d(G, C, 3, padding=1), nn.Sigmoid())
    ///
    /// Input [N, latentDimension], output [N, channels, 32, 32]. SNGAN's CIFAR-10 width is 256.
    public static func resnetGenerator(
        latentDimension: Int = 128, width: Int = 256, channels: Int = 3, output: ImageOutput = .sigmoid,
        initialization: ModelInitialization = .pytorch, seed: UInt64
    ) throws(ModelBuilderError) -> Sequential {
        try requirePositive(["latent dimension": latentDimension, "width": width, "channels": channels])
        var list = LayerList(seed: seed, initialization: initialization)
        list.append(Linear(inputs: latentDimension, outputs: 4 * 4 * width, initializer: list.initializer(), seed: seed, name: list.nextName))
        list.append(Unflatten(shape: [width, 4, 4]))
        for _ in 0..<3 {
            let name = list.nextName
            var branch = list.nested(name + ".residual")
            branch.append(BatchNorm(features: width, spatial: true))
            branch.append(ReLU())
            branch.append(Upsample(factor: 2))
            branch.append(convolution(width, width, kernel: 3, branch))
            branch.append(BatchNorm(features: width, spatial: true))
            branch.append(ReLU())
            branch.append(convolution(width, width, kernel: 3, branch))
            var shortcut = list.nested(name + ".shortcut")
            shortcut.append(Upsample(factor: 2))
            shortcut.append(convolution(width, width, kernel: 1, shortcut))
            list.append(Residual(residual: branch.sequential(), shortcut: shortcut.sequential()))
        }
        list.append(BatchNorm(features: width, spatial: true))
        list.append(ReLU())
        list.append(convolution(width, channels, kernel: 3, list, lastLayer: true))
        list.append(output == .sigmoid ? Sigmoid() : Tanh())
        return list.sequential()
    }

    /// SNGAN's ResNet critic for 32×32 images: four residual blocks of D channels, the first
    /// two halving the side (32 → 16 → 8) with average pooling, then ReLU, a sum over the
    /// pixels and a linear score. The first block's branch starts with its convolution (no
    /// ReLU on the image) and its shortcut pools before a 1×1 conv; the second's shortcut is a
    /// 1×1 conv then pooling; the last two keep the identity shortcut. Every convolution and
    /// the Linear are spectrally normalized with `spectralNorm` (SNGAN's setting). PyTorch
    /// equivalent (D = width, C = channels, sn as for the other critics, GlobalSumPool2d and
    /// Residual as in Sources/NN):
    ///
    ///     def block(D, down):
    ///         return Residual(
    ///             nn.Sequential(nn.ReLU(), sn(nn.Conv2d(D, D, 3, padding=1)), nn.ReLU(),
    ///                           sn(nn.Conv2d(D, D, 3, padding=1)), *([nn.AvgPool2d(2)] if down else [])),
    ///             nn.Sequential(sn(nn.Conv2d(D, D, 1)), nn.AvgPool2d(2)) if down else None)
    ///
    ///     nn.Sequential(
    ///         Residual(nn.Sequential(sn(nn.Conv2d(C, D, 3, padding=1)), nn.ReLU(),
    ///                                sn(nn.Conv2d(D, D, 3, padding=1)), nn.AvgPool2d(2)),
    ///                  nn.Sequential(nn.AvgPool2d(2), sn(nn.Conv2d(C, D, 1)))),
    ///         block(D, True), block(D, False), block(D, False),
    ///         nn.ReLU(), GlobalSumPool2d(), sn(nn.Linear(D, 1)))
    ///
    /// Input [N, C, 32, 32] or flat [N, C·32·32], output [N, 1]. SNGAN's CIFAR-10 width is 128.
    public static func resnetCritic(
        channels: Int = 3, width: Int = 128, spectralNorm: Bool = false, initialization: ModelInitialization = .pytorch,
        seed: UInt64
    ) throws(ModelBuilderError) -> Sequential {
        try requirePositive(["channels": channels, "width": width])
        var list = LayerList(seed: seed, spectralNorm: spectralNorm, initialization: initialization)
        for block in 0..<4 {
            let name = list.nextName
            let inputs = block == 0 ? channels : width
            var branch = list.nested(name + ".residual")
            if block > 0 { branch.append(ReLU()) }
            branch.appendWeighted(convolution(inputs, width, kernel: 3, branch))
            branch.append(ReLU())
            branch.appendWeighted(convolution(width, width, kernel: 3, branch))
            if block < 2 { branch.append(AvgPool2d(kernelSize: 2)) }
            var shortcut: Sequential?
            if block < 2 {
                var layers = list.nested(name + ".shortcut")
                if block == 0 { layers.append(AvgPool2d(kernelSize: 2)) }
                layers.appendWeighted(convolution(inputs, width, kernel: 1, layers))
                if block == 1 { layers.append(AvgPool2d(kernelSize: 2)) }
                shortcut = layers.sequential()
            }
            list.append(Residual(residual: branch.sequential(), shortcut: shortcut))
        }
        list.append(ReLU())
        list.append(GlobalSumPool2d())
        list.appendWeighted(Linear(inputs: width, outputs: 1, initializer: list.initializer(lastLayer: true), seed: seed, name: list.nextName))
        return list.sequential(inputShape: [channels, 32, 32])
    }

    /// A k×k convolution with "same" padding, named and initialized as the next layer of `list`.
    private static func convolution(_ inputs: Int, _ outputs: Int, kernel: Int, _ list: LayerList, lastLayer: Bool = false) -> Conv2d {
        Conv2d(
            inChannels: inputs, outChannels: outputs, kernelSize: kernel, padding: kernel / 2,
            initializer: list.initializer(lastLayer: lastLayer), seed: list.seed, name: list.nextName)
    }
}
