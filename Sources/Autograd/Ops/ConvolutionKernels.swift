/// Which kernels run a convolution primitive.
public enum ConvolutionRoute: String, CaseIterable, Sendable {
    /// oneDNN's direct (JIT) convolutions on channel-blocked layouts.
    case oneDNN = "onednn"
    /// Tandem's own: im2col in cache-sized chunks and OpenBLAS sgemm.
    case im2col
    /// Weight gradients in native bf16 as bf16 matrix products on oneDNN
    /// (`DNNLLoweredWeightGradient`); every other primitive and precision as `oneDNN`.
    case matmul

    /// A route every convolution primitive takes from now on regardless of speed, for
    /// benchmarks and tests; nil (the default) runs each primitive on its faster route.
    public static var forced: ConvolutionRoute? {
        get { ConvolutionKernels.forcedRoute }
        set { ConvolutionKernels.forcedRoute = newValue }
    }
}

/// Runs the three convolution primitives on the faster route for each: oneDNN where it
/// has a fast kernel for the primitive and shape, Tandem's im2col kernels otherwise.
/// Values only; the ops in Convolution.swift record the graph, so the autograd engine
/// never learns which route ran. In bf16 precision both routes read inputs rounded to
/// bfloat16 and sum in float32.
enum ConvolutionKernels {
    /// See `ConvolutionRoute.forced`.
    nonisolated(unsafe) static var forcedRoute: ConvolutionRoute?

    /// The route `run` takes for `key` on this thread.
    static func route(for key: ConvolutionKey) -> ConvolutionRoute {
        if prefersMatmul(key.geometry), lowered(key) != nil { return .matmul }
        guard let convolution = DNNL.context?.convolution(key) else { return .im2col }
        return prefersOneDNN(key, implementation: convolution.implementation) ? .oneDNN : .im2col
    }

    /// The bf16 matrix products that run `key` on the matmul route: for a weight gradient
    /// in native bf16, when oneDNN can make them; nil otherwise.
    static func lowered(_ key: ConvolutionKey) -> DNNLLoweredWeightGradient? {
        guard key.primitive == .weightGradient, key.precision == .bf16 else { return nil }
        return DNNL.context?.loweredWeightGradient(key.geometry)
    }

    /// Whether a weight gradient in native bf16 on `g` runs faster as bf16 matrix products
    /// than on oneDNN's direct kernel: with at least 64 channels on each side and a small
    /// image of at most 64 positions (the deep DCGAN layers), where the direct kernel has
    /// little work per image row; on larger images it is as fast or faster (BENCHMARKS.md,
    /// "Weight gradients as bf16 products").
    static func prefersMatmul(_ g: ConvGeometry) -> Bool {
        g.bigChannels >= 64 && g.smallChannels >= 64 && g.smallHeight * g.smallWidth <= 64
    }

    /// Whether oneDNN's kernel `implementation` beats Tandem's im2col for `key`. Its JIT
    /// kernels do, except the transposed convolution onto fewer than 16 big channels (the
    /// penalty's input gradient of a first layer, a generator's image layer): that kernel
    /// vectorizes over big channels and runs several times slower than im2col there
    /// (BENCHMARKS.md, "Convolution routes").
    static func prefersOneDNN(_ key: ConvolutionKey, implementation: String) -> Bool {
        DNNLConvolution.isFast(implementation) && !(key.primitive == .transposed && key.geometry.bigChannels < 16)
    }

    /// Whether bf16 precision runs oneDNN's bf16 kernels, or its float32 kernels on inputs
    /// rounded to bf16 (the same products, exact in float32, and float32 sums): bf16
    /// kernels where the CPU multiplies bf16 faster than float32 (`BF16Rate`).
    static let nativeBF16Kernels: Bool = BF16Rate.isFaster(vendor: BLASKernel.cpuVendor(), cpuFlags: BLASKernel.cpuFlags(), hasAMX: DNNL.hasAMX)

    /// `primitive` on (big, weight), (small, weight) or (big, small) for `.convolve`,
    /// `.transposed` and `.weightGradient`, with an optional bias on the first two.
    /// `route` forces a route and `bf16Kernels` the kind of bf16 kernel (benchmarks and
    /// tests); oneDNN falls back to im2col when it cannot run the shape.
    static func run(
        _ primitive: ConvolutionPrimitive, _ a: Tensor, _ b: Tensor, bias: Tensor?, _ g: ConvGeometry, route: ConvolutionRoute? = nil,
        bf16Kernels: Bool? = nil
    ) -> Tensor {
        let bf16 = Precision.current == .bf16
        let native = bf16 && (bf16Kernels ?? nativeBF16Kernels)
        var (x, y) = bf16 && !native ? (BFloat16.rounded(a), BFloat16.rounded(b)) : (a, b)
        let key = ConvolutionKey(primitive: primitive, geometry: g, precision: native ? .bf16 : .float32, hasBias: bias != nil)
        let chosen = route ?? forcedRoute ?? Self.route(for: key)
        if chosen == .matmul, let lowered = lowered(key), let context = DNNL.context {
            let output = Tensor(uninitializedShape: g.weightShape)
            if lowered.run(big: a.pointer, small: b.pointer, into: output.pointer, context: context) {
                GEMMCounter.add(m: g.smallChannels, n: g.positions, k: g.patchSize)
                return output
            }
        }
        if chosen != .im2col, let context = DNNL.context, let convolution = context.convolution(key) {
            let output = Tensor(uninitializedShape: outputShape(primitive, g))
            // A parameter's values change only through the writes that renew its stamp.
            let isParameter = primitive != .weightGradient && y === b && b.requiresGrad && b.gradFn == nil
            let stamp = isParameter ? b.storage.stamp : nil
            if convolution.run([x.pointer, y.pointer], bias: bias?.pointer, output: output.pointer, weightStamp: stamp, context: context) {
                GEMMCounter.add(m: g.smallChannels, n: g.positions, k: g.patchSize)
                return output
            }
        }
        if native { (x, y) = (BFloat16.rounded(a), BFloat16.rounded(b)) }
        switch primitive {
        case .convolve: return Im2colConvolution.convolve(x.pointer, y.pointer, bias: bias?.pointer, g)
        case .transposed: return Im2colConvolution.convolveTransposed(x.pointer, y.pointer, bias: bias?.pointer, g)
        case .weightGradient: return Im2colConvolution.weightGradient(x.pointer, y.pointer, g)
        }
    }

    static func outputShape(_ primitive: ConvolutionPrimitive, _ g: ConvGeometry) -> [Int] {
        switch primitive {
        case .convolve: g.smallShape
        case .transposed: g.bigShape
        case .weightGradient: g.weightShape
        }
    }
}

extension DNNLContext {
    /// The oneDNN primitive for `key`, made on first use; nil when oneDNN cannot make it.
    func convolution(_ key: ConvolutionKey) -> DNNLConvolution? {
        convolutions.primitive(for: key) { DNNL.engine.flatMap { DNNLConvolution.make(key, engine: $0) } }
    }
}
