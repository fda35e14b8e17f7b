/// Splits `total` items into `parts` contiguous ranges whose sizes differ by at
/// most one (the first `total % parts` take one more): how a global batch is
/// shared among ranks, and how a flat buffer's elements are.
public enum BalancedSplit {
    /// The range part `part` of `parts` takes.
    public static func range(_ part: Int, of parts: Int, total: Int) -> Range<Int> {
        precondition(parts >= 1 && part >= 0 && part < parts, "BalancedSplit: part \(part) outside 0..<\(parts)")
        let (base, extra) = (total / parts, total % parts)
        let start = part * base + min(part, extra)
        return start..<(start + base + (part < extra ? 1 : 0))
    }

    /// Every part's range, in order.
    public static func ranges(parts: Int, total: Int) -> [Range<Int>] {
        (0..<parts).map { range($0, of: parts, total: total) }
    }
}
