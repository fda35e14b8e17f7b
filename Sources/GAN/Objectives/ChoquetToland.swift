import Autograd

/// The Choquet-Toland distance of stochastic-orders-ICMN (`CTDistance`, integral terms
/// combined by `sum`): two input-convex critics u₀ and u₁ and
///
///     d = inf_{u₀} [E u₀(fake) − E u₀(real)] + inf_{u₁} [E u₁(real) − E u₁(fake)]
///
/// Each critic minimizes its own integral (their parameters are disjoint, so one loss, the
/// sum, updates both); the generator maximizes d. Terms are per-sample sums scaled by
/// `share` (1 / global batch), so the ranks' values add up to the global means.
public enum ChoquetToland {
    /// This rank's shares of u₀'s and u₁'s integral terms from the critics' outputs ([n, 1] each).
    public static func integrals(u0Real: Tensor, u0Fake: Tensor, u1Real: Tensor, u1Fake: Tensor, share: Float) -> (u0: Tensor, u1: Tensor) {
        ((u0Fake.sum() - u0Real.sum()) * share, (u1Real.sum() - u1Fake.sum()) * share)
    }

    /// This rank's share of −d as a function of the fakes alone (the real terms do not depend
    /// on the generator): the generator's loss.
    public static func generatorLoss(u0Fake: Tensor, u1Fake: Tensor, share: Float) -> Tensor {
        (u1Fake.sum() - u0Fake.sum()) * share
    }
}
