/// One convolution primitive on one shape with fixed random operands, runnable on
/// either route: what `tandem bench ops` times to compare the routes.
public struct ConvolutionWorkload {
    public let primitive: ConvolutionPrimitive
    let geometry: ConvGeometry
    private let first: Tensor
    private let second: Tensor
    private let bias: Tensor?

    /// `primitive` of a convolution from [batch, bigChannels, bigSize, bigSize] to
    /// [batch, smallChannels, smallSize, smallSize] with a square kernel; nil when the
    /// sizes do not fit the kernel, stride and padding.
    public init?(
        _ primitive: ConvolutionPrimitive, batch: Int, bigChannels: Int, smallChannels: Int, kernel: Int, stride: Int, padding: Int,
        bigSize: Int, smallSize: Int
    ) {
        // The trailing padding that makes the sizes exact must be more than padding − stride and
        // at most padding (smallSize = (bigSize + 2·padding − kernel) / stride + 1, rounded down).
        let trailing = (smallSize - 1) * stride + kernel - bigSize - padding
        guard batch >= 1, bigChannels >= 1, smallChannels >= 1, kernel >= 1, stride >= 1, padding >= 0, smallSize >= 1,
            trailing <= padding, trailing > padding - stride
        else { return nil }
        let g = ConvGeometry(
            batch: batch, bigChannels: bigChannels, smallChannels: smallChannels, kernelHeight: kernel, kernelWidth: kernel, stride: stride,
            padding: padding, bigHeight: bigSize, bigWidth: bigSize, smallHeight: smallSize, smallWidth: smallSize)
        let stream = RandomStream(seed: 7, purpose: "bench.conv")
        func draw(_ shape: [Int], _ row: Int) -> Tensor {
            stream.normal(rows: 1, columns: shape.reduce(1, *), firstRow: row).reshaped(shape)
        }
        self.primitive = primitive
        geometry = g
        switch primitive {
        case .convolve: (first, second, bias) = (draw(g.bigShape, 0), draw(g.weightShape, 1), draw([smallChannels], 2))
        case .transposed: (first, second, bias) = (draw(g.smallShape, 0), draw(g.weightShape, 1), draw([bigChannels], 2))
        case .weightGradient: (first, second, bias) = (draw(g.bigShape, 0), draw(g.smallShape, 1), nil)
        }
    }

    /// Floating-point operations of one run (those of the equivalent GEMM).
    public var flops: Int { geometry.flops }

    private func key(bf16Kernels: Bool) -> ConvolutionKey {
        let native = Precision.current == .bf16 && bf16Kernels
        return ConvolutionKey(primitive: primitive, geometry: geometry, precision: native ? .bf16 : .float32, hasBias: bias != nil)
    }

    /// Whether the convolution ops run oneDNN's bf16 kernels in bf16 precision (else its
    /// float32 kernels on inputs rounded to bf16).
    public static var usesBF16Kernels: Bool { ConvolutionKernels.nativeBF16Kernels }

    /// The route the convolution ops take for this workload on this thread.
    public var selectedRoute: ConvolutionRoute { ConvolutionKernels.route(for: key(bf16Kernels: Self.usesBF16Kernels)) }

    /// The oneDNN kernel this workload gets ("jit:avx512_core", ...), or nil when oneDNN
    /// has none; `bf16Kernels` asks for its bf16 kernel in bf16 precision.
    public func oneDNNImplementation(bf16Kernels: Bool = usesBF16Kernels) -> String? {
        DNNL.context?.convolution(key(bf16Kernels: bf16Kernels))?.implementation
    }

    /// Whether the matmul route runs this workload as bf16 matrix products (a weight
    /// gradient in bf16 precision with oneDNN's bf16 kernels); elsewhere it runs as oneDNN.
    public var hasMatmulRoute: Bool { ConvolutionKernels.lowered(key(bf16Kernels: Self.usesBF16Kernels)) != nil }

    /// Runs the primitive once on `route` and returns its result's first value; in bf16
    /// precision `bf16Kernels` picks oneDNN's bf16 kernels or its float32 ones on rounded inputs.
    @discardableResult
    public func run(_ route: ConvolutionRoute, bf16Kernels: Bool = usesBF16Kernels) -> Float {
        ConvolutionKernels.run(primitive, first, second, bias: bias, geometry, route: route, bf16Kernels: bf16Kernels).pointer[0]
    }
}
