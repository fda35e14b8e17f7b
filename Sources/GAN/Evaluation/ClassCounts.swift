/// How many samples fall in each class: the predicted classes of generated samples, or
/// the labels of the data. Counts of disjoint shards add, so each rank counts its own
/// predictions and the ranks sum `counts` (an allreduce).
public struct ClassCounts: Sendable, Equatable {
    /// Samples per class, indexed by class.
    public let counts: [Int64]

    /// Number of classes.
    public var classCount: Int { counts.count }
    /// Samples counted.
    public var total: Int64 { counts.reduce(0, +) }

    /// Counts given directly (for example summed across ranks); throws for a negative count or no classes.
    public init(counts: [Int64]) throws(EvaluationError) {
        guard !counts.isEmpty else {
            throw .invalidParameter(name: "class count", value: "0", expected: "at least one class")
        }
        if let negative = counts.first(where: { $0 < 0 }) {
            throw .malformedVector(what: "class counts", reason: "negative count \(negative)")
        }
        self.counts = counts
    }

    /// Counts `labels`, each of which must lie in 0..<`classes`.
    public init(labels: [Int], classes: Int) throws(EvaluationError) {
        guard classes >= 1 else {
            throw .invalidParameter(name: "class count", value: "\(classes)", expected: "at least one class")
        }
        var counts = [Int64](repeating: 0, count: classes)
        for label in labels {
            guard (0..<classes).contains(label) else {
                throw .invalidParameter(name: "class label", value: "\(label)", expected: "0...\(classes - 1)")
            }
            counts[label] += 1
        }
        self.counts = counts
    }

    /// The counts of two disjoint shards together (same classes).
    public static func + (a: ClassCounts, b: ClassCounts) -> ClassCounts {
        precondition(a.classCount == b.classCount, "ClassCounts +: \(a.classCount) and \(b.classCount) classes")
        return ClassCounts(unchecked: zip(a.counts, b.counts).map { $0 + $1 })
    }

    private init(unchecked counts: [Int64]) { self.counts = counts }
}

/// KL(generated ‖ data) in nats between the class histograms of generated samples (as a
/// classifier labels them) and of the data: 0 when the generator draws classes in the
/// data's proportions, growing as it drops or over-produces classes.
///
/// Conventions: generated frequencies are used as they are, and a class the generator
/// never produces contributes 0 (0·log 0 = 0), so a collapse onto fewer classes stays
/// finite. The data's frequencies get `dataPseudocount` added to every class
/// (default 1, Laplace smoothing; negligible at hundreds per class), so a class the
/// data lacks but the generator produces costs a finite amount; with a pseudocount of
/// 0 such a class makes the divergence +∞.
/// Throws when the class counts differ, there are no generated samples, or the data
/// (with its pseudocounts) holds no mass.
public func classHistogramDivergence(
    generated: ClassCounts, data: ClassCounts, dataPseudocount: Double = 1
) throws(EvaluationError) -> Double {
    guard generated.classCount == data.classCount else {
        throw .sizeMismatch(what: "class counts of generated samples and data", first: generated.classCount, second: data.classCount)
    }
    guard dataPseudocount >= 0, dataPseudocount.isFinite else {
        throw .invalidParameter(name: "data pseudocount", value: "\(dataPseudocount)", expected: "a finite number ≥ 0")
    }
    guard let p = frequencies(generated.counts) else {
        throw .tooFewSamples(input: "generated class counts", found: 0, minimum: 1)
    }
    let smoothed = data.counts.map { Double($0) + dataPseudocount }
    let mass = smoothed.reduce(0, +)
    guard mass > 0 else { throw .tooFewSamples(input: "data class counts", found: 0, minimum: 1) }
    return klDivergence(p, from: smoothed.map { $0 / mass })
}
