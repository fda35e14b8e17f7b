/// The gradient of a per-channel bias [C] from the gradient of [N, C, H, W].
private func channelBiasGradient(_ gradient: Tensor) -> Tensor {
    gradient.sum(toShape: [1, gradient.shape[1], 1, 1]).reshaped([gradient.shape[1]])
}

/// Convolution of a big image into a small one: [N, C, H, W] -> [N, O, Ho, Wo], plus an
/// optional bias [O] added as the result is laid out.
func convolve(_ big: Tensor, _ weight: Tensor, _ g: ConvGeometry, bias: Tensor? = nil) -> Tensor {
    let result = ConvolutionKernels.run(.convolve, big, weight, bias: bias, g)
    return result.recorded("conv2d", [big, weight] + (bias.map { [$0] } ?? [])) { ctx in
        [
            ctx.needs(0) ? convolveTransposed(ctx.gradient, ctx.inputs[1], g) : nil,
            ctx.needs(1) ? convolutionWeightGradient(ctx.inputs[0], ctx.gradient, g) : nil,
        ] + (ctx.inputs.count == 3 ? [ctx.needs(2) ? channelBiasGradient(ctx.gradient) : nil] : [])
    }
}

/// Transposed convolution of a small image into a big one: [N, O, Ho, Wo] -> [N, C, H, W],
/// plus an optional bias [C].
func convolveTransposed(_ small: Tensor, _ weight: Tensor, _ g: ConvGeometry, bias: Tensor? = nil) -> Tensor {
    let result = ConvolutionKernels.run(.transposed, small, weight, bias: bias, g)
    return result.recorded("convTranspose2d", [small, weight] + (bias.map { [$0] } ?? [])) { ctx in
        [
            ctx.needs(0) ? convolve(ctx.gradient, ctx.inputs[1], g) : nil,
            ctx.needs(1) ? convolutionWeightGradient(ctx.gradient, ctx.inputs[0], g) : nil,
        ] + (ctx.inputs.count == 3 ? [ctx.needs(2) ? channelBiasGradient(ctx.gradient) : nil] : [])
    }
}

/// The weight gradient of a convolution: sum over positions of small-side values
/// times big-side patches, [O, C, kh, kw]. Bilinear in its two inputs.
func convolutionWeightGradient(_ big: Tensor, _ small: Tensor, _ g: ConvGeometry) -> Tensor {
    let result = ConvolutionKernels.run(.weightGradient, big, small, bias: nil, g)
    return result.recorded("conv2dWeightGradient", [big, small]) { ctx in
        [
            ctx.needs(0) ? convolveTransposed(ctx.inputs[1], ctx.gradient, g) : nil,
            ctx.needs(1) ? convolve(ctx.inputs[0], ctx.gradient, g) : nil,
        ]
    }
}

/// 2-D convolution, PyTorch's Conv2d: input [N, C, H, W], weight [O, C, kh, kw],
/// optional bias [O]; output [N, O, (H + 2p - kh)/s + 1, (W + 2p - kw)/s + 1].
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) -> Tensor {
    guard x.rank == 4, weight.rank == 4, x.shape[1] == weight.shape[1] else {
        fatalError(shapeMismatch("conv2d", x.shape, weight.shape, expected: "input [N, C, H, W] and weight [O, C, kh, kw]"))
    }
    precondition(stride >= 1 && padding >= 0, "conv2d: stride \(stride) must be >= 1 and padding \(padding) >= 0")
    let (kh, kw) = (weight.shape[2], weight.shape[3])
    let outH = (x.shape[2] + 2 * padding - kh) / stride + 1
    let outW = (x.shape[3] + 2 * padding - kw) / stride + 1
    // Checked on the padded extents: with stride > 1 the division above rounds a small negative up to 0.
    guard x.shape[2] + 2 * padding >= kh, x.shape[3] + 2 * padding >= kw else {
        fatalError("conv2d: a \(kh)x\(kw) kernel does not fit input \(x.shape) with padding \(padding)")
    }
    let geometry = ConvGeometry(
        batch: x.shape[0], bigChannels: x.shape[1], smallChannels: weight.shape[0], kernelHeight: kh, kernelWidth: kw,
        stride: stride, padding: padding, bigHeight: x.shape[2], bigWidth: x.shape[3], smallHeight: outH, smallWidth: outW)
    checkChannelBias(bias, channels: weight.shape[0], op: "conv2d")
    return convolve(x, weight, geometry, bias: bias)
}

/// Transposed 2-D convolution, PyTorch's ConvTranspose2d: input [N, C, H, W],
/// weight [C, O, kh, kw], optional bias [O]; output [N, O, (H-1)s - 2p + kh + outputPadding, ...].
public func convTranspose2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0
) -> Tensor {
    guard x.rank == 4, weight.rank == 4, x.shape[1] == weight.shape[0] else {
        fatalError(shapeMismatch("convTranspose2d", x.shape, weight.shape, expected: "input [N, C, H, W] and weight [C, O, kh, kw]"))
    }
    precondition(
        stride >= 1 && padding >= 0 && outputPadding >= 0 && outputPadding < stride,
        "convTranspose2d: need stride >= 1, padding >= 0 and 0 <= output padding < stride")
    let (kh, kw) = (weight.shape[2], weight.shape[3])
    let outH = (x.shape[2] - 1) * stride - 2 * padding + kh + outputPadding
    let outW = (x.shape[3] - 1) * stride - 2 * padding + kw + outputPadding
    guard outH >= 1, outW >= 1 else {
        fatalError("convTranspose2d: input \(x.shape) with a \(kh)x\(kw) kernel, stride \(stride) and padding \(padding) leaves an empty output")
    }
    let geometry = ConvGeometry(
        batch: x.shape[0], bigChannels: weight.shape[1], smallChannels: x.shape[1], kernelHeight: kh, kernelWidth: kw,
        stride: stride, padding: padding, bigHeight: outH, bigWidth: outW, smallHeight: x.shape[2], smallWidth: x.shape[3])
    checkChannelBias(bias, channels: weight.shape[1], op: "convTranspose2d")
    return convolveTransposed(x, weight, geometry, bias: bias)
}

private func checkChannelBias(_ bias: Tensor?, channels: Int, op: String) {
    guard let bias else { return }
    precondition(bias.shape == [channels], shapeMismatch("\(op) bias", bias.shape, [channels], expected: "one bias per output channel"))
}
