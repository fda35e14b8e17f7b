import Autograd

/// Random orderings and subsets that are pure functions of a seed, a purpose and a step
/// (Fisher–Yates driven by Autograd's counter-based `RandomStream`), so an evaluation
/// or a training run that is repeated picks the same samples in the same order.
public enum SeededShuffle {
    /// `count` distinct indices drawn uniformly from 0..<`population`, in random order:
    /// the first `count` entries of a Fisher–Yates shuffle. Swap i draws a 53-bit number
    /// and reduces it modulo (population − i); the bias that leaves is below 2⁻³⁰ for
    /// any population under 2²³.
    public static func sample(_ count: Int, from population: Int, seed: UInt64, purpose: String, step: Int = 0) -> [Int] {
        precondition(count >= 0 && count <= population, "SeededShuffle.sample: \(count) of \(population)")
        var indices = Array(0..<population)
        let draws = RandomStream(seed: seed, purpose: purpose, step: step).integers(below: 1 << 53, at: 0..<count)
        for i in 0..<count {
            let j = i + Int(draws[i] % UInt64(population - i))
            indices.swapAt(i, j)
        }
        return Array(indices.prefix(count))
    }

    /// A uniformly random permutation of 0..<`count`.
    public static func permutation(of count: Int, seed: UInt64, purpose: String, step: Int = 0) -> [Int] {
        sample(count, from: count, seed: seed, purpose: purpose, step: step)
    }
}
