import CDNNL

/// The three convolution primitives every convolution op, backward and double backward is made of.
public enum ConvolutionPrimitive: String, CaseIterable, Sendable {
    /// big -> small (Conv2d's forward).
    case convolve
    /// small -> big (ConvTranspose2d's forward, Conv2d's input gradient).
    case transposed
    /// (big, small) -> weight gradient.
    case weightGradient
}

/// What a cached convolution primitive computes.
struct ConvolutionKey: Hashable {
    let primitive: ConvolutionPrimitive
    let geometry: ConvGeometry
    let precision: Precision
    let hasBias: Bool
}

/// One convolution primitive of oneDNN for one key: the convolution itself and the
/// reorders between Tandem's NCHW float32 tensors and the layouts oneDNN's kernels want
/// (channel-blocked, and bf16 in that precision: one reorder does both). Made once per
/// key and thread; `make` returns nil when oneDNN cannot make it.
final class DNNLConvolution {
    let primitive: DNNLPrimitive
    /// In the order `run` takes buffers: the two inputs, the bias when there is one, the output.
    private let operands: [DNNLOperand]

    private init(primitive: DNNLPrimitive, operands: [DNNLOperand]) {
        self.primitive = primitive
        self.operands = operands
    }

    var implementation: String { primitive.implementation }

    /// Runs the primitive on `inputs` ((big, weight), (small, weight) or (big, small), as
    /// the im2col kernels take them); `weightStamp` names a parameter's weights (the
    /// second input) so their reordered copy is reused while they are unchanged. False
    /// when oneDNN failed.
    func run(
        _ inputs: [UnsafeMutablePointer<Float>], bias: UnsafeMutablePointer<Float>?, output: UnsafeMutablePointer<Float>, weightStamp: UInt64?,
        context: DNNLContext
    ) -> Bool {
        primitive.run(operands, inputs + (bias.map { [$0] } ?? []) + [output], stamps: [nil, weightStamp], context: context)
    }

    /// Whether oneDNN's choice beats Tandem's own kernels: its direct JIT kernels do; its
    /// reference loops and its own im2col+GEMM fallback do not.
    static func isFast(_ implementation: String) -> Bool {
        !implementation.hasPrefix("ref") && !implementation.contains("gemm")
    }

    static func make(_ key: ConvolutionKey, engine: dnnl_engine_t) -> DNNLConvolution? {
        guard let shapes = ConvolutionDescriptors(key) else { return nil }
        switch key.primitive {
        case .convolve: return shapes.convolve(engine: engine)
        case .transposed: return shapes.transposed(engine: engine)
        case .weightGradient: return shapes.weightGradient(engine: engine)
        }
    }

    /// The primitive of `descriptor` with one operand per (argument, Tandem's layout,
    /// query of the primitive's layout, query index, whether it is an input).
    fileprivate static func assemble(
        _ descriptor: DNNLPrimitiveDescriptor, engine: dnnl_engine_t,
        _ arguments: [(Int32, dnnl_memory_desc_t, dnnl_query_t, Int32, Bool)]
    ) -> DNNLConvolution? {
        guard let primitive = DNNLPrimitive(descriptor, engine: engine) else { return nil }
        var operands: [DNNLOperand] = []
        for (argument, user, query, index, isInput) in arguments {
            guard let wanted = descriptor.memoryDescriptor(query, index: index),
                let operand = DNNLOperand(argument: argument, user: user, wanted: wanted, isInput: isInput, engine: engine)
            else { return nil }
            operands.append(operand)
        }
        return DNNLConvolution(primitive: primitive, operands: operands)
    }
}

/// The memory descriptors of one convolution key: Tandem's layouts (float32 NCHW, and
/// weights [small, big, kh, kw]) and "any" layouts for oneDNN to choose, in the key's
/// input precision; outputs stay float32.
private struct ConvolutionDescriptors {
    let key: ConvolutionKey
    let plainBig, plainSmall, bias: dnnl_memory_desc_t
    let anyBig, anySmall, anyWeight, floatBig, floatSmall, floatWeight: dnnl_memory_desc_t
    let kernel: [Int]
    let strides, leading, trailing: [Int64]

    init?(_ key: ConvolutionKey) {
        let g = key.geometry
        self.key = key
        let input = key.precision == .bf16 ? dnnl_bf16 : dnnl_f32
        let big = [g.batch, g.bigChannels, g.bigHeight, g.bigWidth]
        let small = [g.batch, g.smallChannels, g.smallHeight, g.smallWidth]
        kernel = [g.kernelHeight, g.kernelWidth]
        let weight = [g.smallChannels, g.bigChannels] + kernel
        strides = [Int64(g.stride), Int64(g.stride)]
        leading = [Int64(g.padding), Int64(g.padding)]
        trailing = [Int64(g.trailingPadding.rows), Int64(g.trailingPadding.columns)]
        guard let plainBig = dnnl_memory_desc_t.make(big, dnnl_f32, dnnl_nchw),
            let plainSmall = dnnl_memory_desc_t.make(small, dnnl_f32, dnnl_nchw),
            let bias = dnnl_memory_desc_t.make([key.primitive == .transposed ? g.bigChannels : g.smallChannels], dnnl_f32, dnnl_a),
            let anyBig = dnnl_memory_desc_t.make(big, input, dnnl_format_tag_any),
            let anySmall = dnnl_memory_desc_t.make(small, input, dnnl_format_tag_any),
            let anyWeight = dnnl_memory_desc_t.make(weight, input, dnnl_format_tag_any),
            let floatBig = dnnl_memory_desc_t.make(big, dnnl_f32, dnnl_format_tag_any),
            let floatSmall = dnnl_memory_desc_t.make(small, dnnl_f32, dnnl_format_tag_any),
            let floatWeight = dnnl_memory_desc_t.make(weight, dnnl_f32, dnnl_format_tag_any)
        else { return nil }
        (self.plainBig, self.plainSmall, self.bias) = (plainBig, plainSmall, bias)
        (self.anyBig, self.anySmall, self.anyWeight) = (anyBig, anySmall, anyWeight)
        (self.floatBig, self.floatSmall, self.floatWeight) = (floatBig, floatSmall, floatWeight)
    }

    private var g: ConvGeometry { key.geometry }

    /// Runs `body` with a pointer to the bias descriptor when the key has a bias, else nil.
    private func withBias<R>(_ body: (UnsafePointer<dnnl_memory_desc_t>?) -> R) -> R {
        guard key.hasBias else { return body(nil) }
        var copy = bias
        return body(&copy)
    }

    private func biasArgument() -> [(Int32, dnnl_memory_desc_t, dnnl_query_t, Int32, Bool)] {
        key.hasBias ? [(DNNL_ARG_BIAS, bias, dnnl_query_weights_md, 1, true)] : []
    }

    func convolve(engine: dnnl_engine_t) -> DNNLConvolution? {
        guard let plainWeight = dnnl_memory_desc_t.make([g.smallChannels, g.bigChannels] + kernel, dnnl_f32, dnnl_oihw) else { return nil }
        var (src, weights, dst) = (anyBig, anyWeight, floatSmall)
        var op = dnnl_convolution_desc_t()
        let status = withBias {
            dnnl_convolution_forward_desc_init(
                &op, dnnl_forward_training, dnnl_convolution_direct, &src, &weights, $0, &dst, strides, leading, trailing)
        }
        guard status == dnnl_success, let made = DNNLPrimitiveDescriptor(descriptor: &op, hint: nil, engine: engine) else { return nil }
        return DNNLConvolution.assemble(
            made, engine: engine,
            [(DNNL_ARG_SRC, plainBig, dnnl_query_src_md, 0, true), (DNNL_ARG_WEIGHTS, plainWeight, dnnl_query_weights_md, 0, true)]
                + biasArgument() + [(DNNL_ARG_DST, plainSmall, dnnl_query_dst_md, 0, false)])
    }

    /// A deconvolution from small to big. Its weights are [out = big, in = small, kh, kw]:
    /// Tandem's [small, big, kh, kw] buffer read in the iohw layout.
    func transposed(engine: dnnl_engine_t) -> DNNLConvolution? {
        let dims = [g.bigChannels, g.smallChannels] + kernel
        guard let plainWeight = dnnl_memory_desc_t.make(dims, dnnl_f32, dnnl_iohw),
            let anyDeconvolutionWeight = dnnl_memory_desc_t.make(dims, anyWeight.data_type, dnnl_format_tag_any)
        else { return nil }
        var (src, weights, dst) = (anySmall, anyDeconvolutionWeight, floatBig)
        var op = dnnl_deconvolution_desc_t()
        let status = withBias {
            dnnl_deconvolution_forward_desc_init(
                &op, dnnl_forward_training, dnnl_deconvolution_direct, &src, &weights, $0, &dst, strides, leading, trailing)
        }
        guard status == dnnl_success, let made = DNNLPrimitiveDescriptor(descriptor: &op, hint: nil, engine: engine) else { return nil }
        return DNNLConvolution.assemble(
            made, engine: engine,
            [(DNNL_ARG_SRC, plainSmall, dnnl_query_src_md, 0, true), (DNNL_ARG_WEIGHTS, plainWeight, dnnl_query_weights_md, 0, true)]
                + biasArgument() + [(DNNL_ARG_DST, plainBig, dnnl_query_dst_md, 0, false)])
    }

    /// The backward-weights primitive, made (as oneDNN requires) against its forward one.
    func weightGradient(engine: dnnl_engine_t) -> DNNLConvolution? {
        guard let plainWeight = dnnl_memory_desc_t.make([g.smallChannels, g.bigChannels] + kernel, dnnl_f32, dnnl_oihw) else { return nil }
        var (src, weights, dst, gradient) = (anyBig, anyWeight, anySmall, floatWeight)
        var forward = dnnl_convolution_desc_t()
        var op = dnnl_convolution_desc_t()
        guard
            dnnl_convolution_forward_desc_init(
                &forward, dnnl_forward_training, dnnl_convolution_direct, &src, &weights, nil, &dst, strides, leading, trailing)
                == dnnl_success,
            let hint = DNNLPrimitiveDescriptor(descriptor: &forward, hint: nil, engine: engine),
            dnnl_convolution_backward_weights_desc_init(&op, dnnl_convolution_direct, &src, &gradient, nil, &dst, strides, leading, trailing)
                == dnnl_success,
            let made = DNNLPrimitiveDescriptor(descriptor: &op, hint: hint, engine: engine)
        else { return nil }
        return DNNLConvolution.assemble(
            made, engine: engine,
            [
                (DNNL_ARG_SRC, plainBig, dnnl_query_src_md, 0, true), (DNNL_ARG_DIFF_DST, plainSmall, dnnl_query_diff_dst_md, 0, true),
                (DNNL_ARG_DIFF_WEIGHTS, plainWeight, dnnl_query_diff_weights_md, 0, false),
            ])
    }
}
