/// An ordered list of named tensors: a module's parameters or state, an
/// optimizer's state, a checkpoint file. Iterates as `(name, tensor)` pairs in
/// order, looks tensors up by name, and adds or strips name prefixes.
public struct NamedTensors: RandomAccessCollection, ExpressibleByArrayLiteral {
    public typealias Element = (name: String, tensor: Tensor)

    private let entries: [Element]

    public init(_ entries: [Element]) {
        self.entries = entries
    }

    public init<S: Sequence>(_ entries: S) where S.Element == Element {
        self.entries = Array(entries)
    }

    public init(arrayLiteral elements: Element...) {
        entries = elements
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { entries.count }
    public subscript(position: Int) -> Element { entries[position] }

    /// The names, in order.
    public var names: [String] { entries.map(\.name) }
    /// The tensors, in order.
    public var tensors: [Tensor] { entries.map(\.tensor) }

    /// The first tensor called `name`, or nil.
    public subscript(name: String) -> Tensor? {
        entries.first { $0.name == name }?.tensor
    }

    /// Name → tensor (the last one wins when a name repeats).
    public var dictionary: [String: Tensor] {
        Dictionary(entries.map { ($0.name, $0.tensor) }, uniquingKeysWith: { $1 })
    }

    /// Every name with `prefix` in front ("critic." + "0.weight").
    public func prefixed(_ prefix: String) -> NamedTensors {
        NamedTensors(entries.map { (name: prefix + $0.name, tensor: $0.tensor) })
    }

    /// The entries whose names start with `prefix`, with the prefix removed.
    public func unprefixed(_ prefix: String) -> NamedTensors {
        NamedTensors(entries.compactMap { $0.name.hasPrefix(prefix) ? (name: String($0.name.dropFirst(prefix.count)), tensor: $0.tensor) : nil })
    }

    public static func + (a: NamedTensors, b: NamedTensors) -> NamedTensors {
        NamedTensors(a.entries + b.entries)
    }

    public static func += (a: inout NamedTensors, b: NamedTensors) {
        a = a + b
    }
}
