import Autograd

/// Spectral normalization of a layer's weight (Miyato et al. 2018), as PyTorch's
/// `torch.nn.utils.spectral_norm(layer)`: the layer runs with W / σ, where σ = uᵀ W v
/// estimates W's largest singular value. W is the weight viewed as a matrix with the
/// layer's `outputAxis` (0; 1 for ConvTranspose2d) as rows.
///
/// Each forward pass in training mode first runs `powerIterations` power iterations,
/// without gradients, updating the persistent vectors u and v in place; evaluation
/// mode reuses them. Gradients flow through W / σ with u and v held constant.
/// State names are PyTorch's: parameters "bias" (if any) and "weight_orig", buffers
/// "weight_u" [rows] and "weight_v" [columns].
public final class SpectralNorm: Module {
    public let layer: any WeightedLayer
    public let powerIterations: Int
    public let eps: Float
    /// The left singular vector estimate (PyTorch's `weight_u`).
    public let u: Tensor
    /// The right singular vector estimate (PyTorch's `weight_v`).
    public let v: Tensor

    public var isTraining = true {
        didSet { layer.isTraining = isTraining }
    }

    /// u and v start as normalized standard normal vectors drawn from the stream keyed
    /// by `seed` and "<name>.weight_u" / "<name>.weight_v".
    public init(_ layer: any WeightedLayer, powerIterations: Int = 1, eps: Float = 1e-12, seed: UInt64 = 0, name: String = "") {
        self.layer = layer
        self.powerIterations = powerIterations
        self.eps = eps
        let rows = layer.weight.shape[layer.outputAxis]
        let columns = layer.weight.count / Swift.max(rows, 1)
        let source = ParameterSource(seed: seed, layerName: name)
        u = unitVector(source.stream(for: "weight_u").normal(rows: 1, columns: rows).reshaped([rows]), eps: eps)
        v = unitVector(source.stream(for: "weight_v").normal(rows: 1, columns: columns).reshaped([columns]), eps: eps)
        layer.isTraining = isTraining
    }

    public var children: [any Module] { [layer] }

    public var namedParameters: NamedTensors {
        (layer.bias.map { [(name: "bias", tensor: $0)] } ?? []) + [(name: "weight_orig", tensor: layer.weight)]
    }

    public var namedBuffers: NamedTensors {
        [(name: "weight_u", tensor: u), (name: "weight_v", tensor: v)]
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        if isTraining { withoutGradients { iteratePower() } }
        // Copies: a later forward updates u and v in place, and this graph must keep today's values.
        let sigma = estimate(weightMatrix(layer.weight), u.copy(), v.copy())
        return layer.forward(input, weight: layer.weight / sigma)
    }

    /// The current estimate of the weight's largest singular value, uᵀ W v.
    public var sigma: Float {
        withoutGradients { estimate(weightMatrix(layer.weight), u, v).item }
    }

    /// v ← normalize(Wᵀu), u ← normalize(W v), repeated, written into the buffers.
    private func iteratePower() {
        let matrix = weightMatrix(layer.weight)
        let (rows, columns) = (matrix.shape[0], matrix.shape[1])
        var left = u
        var right = v
        for _ in 0..<powerIterations {
            right = unitVector(matmul(matrix, left.reshaped([rows, 1]), transposeA: true).reshaped([columns]), eps: eps)
            left = unitVector(matmul(matrix, right.reshaped([columns, 1])).reshaped([rows]), eps: eps)
        }
        u.assign(left)
        v.assign(right)
    }

    /// The weight as a [rows, columns] matrix, rows along `outputAxis`.
    private func weightMatrix(_ weight: Tensor) -> Tensor {
        let axis = layer.outputAxis
        let rows = weight.shape[axis]
        guard axis != 0 else { return weight.reshaped([rows, -1]) }
        let order = [axis] + (0..<weight.rank).filter { $0 != axis }
        return weight.permuted(order).reshaped([rows, -1])
    }

    /// uᵀ W v as a scalar tensor (differentiable in W).
    private func estimate(_ matrix: Tensor, _ left: Tensor, _ right: Tensor) -> Tensor {
        let (rows, columns) = (matrix.shape[0], matrix.shape[1])
        return (matmul(matrix, right.reshaped([columns, 1])) * left.reshaped([rows, 1])).sum()
    }
}

/// x / max(‖x‖, eps) (PyTorch's `F.normalize` of a vector).
private func unitVector(_ x: Tensor, eps: Float) -> Tensor {
    let length = withoutGradients { x.norm(axis: 0).item }
    return x / Swift.max(length, eps)
}
