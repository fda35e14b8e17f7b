import Autograd
import Foundation

/// Times the three convolution primitives of the DCGAN layers on both routes (oneDNN
/// and Tandem's im2col; in bf16 also the kind of oneDNN kernel not used by default),
/// alternating them round by round so a load change on the machine hits all alike.
public struct ConvolutionBenchmark {
    /// A convolution layer's geometry: big [C, S, S] <-> small [O, s, s], square kernel.
    public struct Layer: Sendable {
        public let name: String
        public let bigChannels: Int, smallChannels: Int, kernel: Int, stride: Int, padding: Int, bigSize: Int, smallSize: Int
    }

    /// The layer sets: `mnist` (the 28×28 DCGAN of gan_mnist.py; its generator's transposed
    /// convolutions are the same geometries read the other way, d2 = c2 and d3 = c1) and
    /// `dcgan64` (Radford et al.'s 64×64 DCGAN: 4×4 kernels, stride 2, padding 1; the
    /// generator's first layer maps a 100-d latent at 1×1 to 4×4).
    public enum LayerSet: String, CaseIterable, Sendable {
        case mnist, dcgan64

        public var layers: [Layer] {
            switch self {
            case .mnist:
                [
                    Layer(name: "c1/d3 1<->64 28<->14", bigChannels: 1, smallChannels: 64, kernel: 5, stride: 2, padding: 2, bigSize: 28, smallSize: 14),
                    Layer(name: "c2/d2 64<->128 14<->7", bigChannels: 64, smallChannels: 128, kernel: 5, stride: 2, padding: 2, bigSize: 14, smallSize: 7),
                    Layer(name: "c3 128<->256 7<->4", bigChannels: 128, smallChannels: 256, kernel: 5, stride: 2, padding: 2, bigSize: 7, smallSize: 4),
                    Layer(name: "d1 128<->256 8<->4", bigChannels: 128, smallChannels: 256, kernel: 5, stride: 2, padding: 2, bigSize: 8, smallSize: 4),
                ]
            case .dcgan64:
                [
                    Layer(name: "64px c1 3<->64 64<->32", bigChannels: 3, smallChannels: 64, kernel: 4, stride: 2, padding: 1, bigSize: 64, smallSize: 32),
                    Layer(name: "64px c2 64<->128 32<->16", bigChannels: 64, smallChannels: 128, kernel: 4, stride: 2, padding: 1, bigSize: 32, smallSize: 16),
                    Layer(name: "64px c3 128<->256 16<->8", bigChannels: 128, smallChannels: 256, kernel: 4, stride: 2, padding: 1, bigSize: 16, smallSize: 8),
                    Layer(name: "64px c4 256<->512 8<->4", bigChannels: 256, smallChannels: 512, kernel: 4, stride: 2, padding: 1, bigSize: 8, smallSize: 4),
                    Layer(name: "64px g0 512<->100 4<->1", bigChannels: 512, smallChannels: 100, kernel: 4, stride: 1, padding: 0, bigSize: 4, smallSize: 1),
                ]
            }
        }
    }

    /// One way to run a primitive: a route, and in bf16 precision oneDNN's bf16 kernels or
    /// its float32 ones on rounded inputs.
    public struct Variant: Hashable, Sendable {
        public let route: ConvolutionRoute
        public let bf16Kernels: Bool

        /// "onednn", "im2col", and "onednn_bf16_kernels" / "onednn_f32_kernels" for the kind of
        /// oneDNN kernel bf16 precision does not use by default.
        public var name: String {
            guard route == .oneDNN, bf16Kernels != ConvolutionWorkload.usesBF16Kernels, Precision.current == .bf16 else { return route.rawValue }
            return bf16Kernels ? "onednn_bf16_kernels" : "onednn_f32_kernels"
        }
    }

    /// Median seconds per call of one primitive on one shape, for each variant that can run it.
    public struct Timing: Sendable {
        public let layer: Layer
        public let batch: Int
        public let primitive: ConvolutionPrimitive
        public let flops: Int
        public let selected: ConvolutionRoute
        public let oneDNNImplementation: String?
        public let seconds: [Variant: Double]

        public func gigaflopsPerSecond(_ variant: Variant) -> Double? {
            seconds[variant].map { Double(flops) / $0 / 1e9 }
        }

        /// The rate of what the convolution ops run.
        public var selectedGigaflopsPerSecond: Double {
            gigaflopsPerSecond(Variant(route: selected, bf16Kernels: ConvolutionWorkload.usesBF16Kernels)) ?? 0
        }
    }

    public let repetitions: Int

    public init(repetitions: Int) {
        self.repetitions = repetitions
    }

    public func measure(_ layer: Layer, batch: Int, primitive: ConvolutionPrimitive) -> Timing? {
        guard
            let workload = ConvolutionWorkload(
                primitive, batch: batch, bigChannels: layer.bigChannels, smallChannels: layer.smallChannels, kernel: layer.kernel,
                stride: layer.stride, padding: layer.padding, bigSize: layer.bigSize, smallSize: layer.smallSize)
        else { return nil }
        let usual = ConvolutionWorkload.usesBF16Kernels
        var variants = [Variant(route: .im2col, bf16Kernels: usual)]
        if workload.oneDNNImplementation() != nil { variants.append(Variant(route: .oneDNN, bf16Kernels: usual)) }
        if workload.hasMatmulRoute { variants.append(Variant(route: .matmul, bf16Kernels: usual)) }
        if Precision.current == .bf16, workload.oneDNNImplementation(bf16Kernels: !usual) != nil {
            variants.append(Variant(route: .oneDNN, bf16Kernels: !usual))
        }
        // Enough calls per timing to last about 5 ms at 100 GFLOP/s.
        let calls = max(1, Int(5e8 / Double(workload.flops)))
        var times: [Variant: [Double]] = [:]
        for round in 0..<(repetitions + 1) {
            for variant in variants {
                let start = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<calls { workload.run(variant.route, bf16Kernels: variant.bf16Kernels) }
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 / Double(calls)
                if round > 0 { times[variant, default: []].append(elapsed) }
            }
        }
        return Timing(
            layer: layer, batch: batch, primitive: primitive, flops: workload.flops, selected: workload.selectedRoute,
            oneDNNImplementation: workload.oneDNNImplementation(), seconds: times.mapValues { $0.sorted()[$0.count / 2] })
    }
}
