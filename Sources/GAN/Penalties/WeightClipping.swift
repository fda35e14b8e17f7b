import Autograd

/// The original WGAN's Lipschitz constraint: after each critic update every
/// critic parameter is clamped to [−limit, limit].
public struct WeightClipping: Sendable {
    public let limit: Float

    public init(limit: Float) {
        self.limit = limit
    }

    public func apply(to parameters: [Tensor]) {
        for parameter in parameters {
            parameter.withMutableScalars { values in
                for i in values.indices { values[i] = Swift.min(Swift.max(values[i], -limit), limit) }
            }
        }
    }
}
