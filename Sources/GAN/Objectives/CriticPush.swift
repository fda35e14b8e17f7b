import Autograd

/// One gradient step of samples down a frozen critic, y ← y − η·∇_y D(y) (Trust-the-Critics'
/// push map, `steptaker` with one step): each sample moves by its own input gradient, so the
/// rows are independent. No graph is kept; the result is a plain tensor. The input gradient
/// is taken with recording on even inside `withoutGradients`.
public func pushed(_ samples: Tensor, down critic: (Tensor) -> Tensor, stepSize: Float) -> Tensor {
    withGradients {
        let points = samples.detached().requiringGrad()
        let slope = gradients(of: critic(points).sum(), wrt: [points])[0]
        return withoutGradients { samples.detached() - slope * stepSize }.detached()
    }
}

