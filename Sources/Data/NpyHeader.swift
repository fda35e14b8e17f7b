/// The header dictionary of a .npy file, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (60000, 784), }`:
/// a Python literal read here by a small parser that accepts exactly the
/// literals NumPy writes (quoted strings, True/False, tuples of integers).
struct NpyHeader: Equatable {
    /// The array-protocol type string ('<f4', '|u1', ...).
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    /// The header text for these fields, as NumPy writes it (without padding).
    var literal: String {
        let dims = shape.map(String.init).joined(separator: ", ")
        let tuple = shape.count == 1 ? "(\(dims),)" : "(\(dims))"
        return "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(tuple), }"
    }

    /// Parses `text`; errors name `path` and the file offset (`text` starts at `fileOffset`).
    static func parse(_ text: [UInt8], path: String, fileOffset: Int) throws -> NpyHeader {
        var parser = LiteralParser(bytes: text, path: path, fileOffset: fileOffset)
        let fields = try parser.dictionary()
        func field(_ key: String) throws -> LiteralParser.Value {
            guard let value = fields[key] else {
                throw DataError.malformedHeader(path: path, offset: fileOffset, reason: "no '\(key)' key in the header dictionary")
            }
            return value
        }
        guard case let .string(descr) = try field("descr") else {
            throw DataError.malformedHeader(path: path, offset: fileOffset, reason: "'descr' is not a string")
        }
        guard case let .bool(fortranOrder) = try field("fortran_order") else {
            throw DataError.malformedHeader(path: path, offset: fileOffset, reason: "'fortran_order' is not True or False")
        }
        guard case let .tuple(shape) = try field("shape") else {
            throw DataError.malformedHeader(path: path, offset: fileOffset, reason: "'shape' is not a tuple of integers")
        }
        return NpyHeader(descr: descr, fortranOrder: fortranOrder, shape: shape)
    }
}

/// Reads the Python literals a .npy header holds.
private struct LiteralParser {
    enum Value: Equatable {
        case string(String)
        case bool(Bool)
        case tuple([Int])
    }

    let bytes: [UInt8]
    let path: String
    let fileOffset: Int
    var position = 0

    init(bytes: [UInt8], path: String, fileOffset: Int) {
        self.bytes = bytes
        self.path = path
        self.fileOffset = fileOffset
    }

    mutating func dictionary() throws -> [String: Value] {
        try expect(UInt8(ascii: "{"))
        var result: [String: Value] = [:]
        while true {
            skipSpace()
            if peek == UInt8(ascii: "}") { position += 1; break }
            let keyStart = position
            guard case let .string(key) = try value() else { throw failure("expected a quoted key", at: keyStart) }
            try expect(UInt8(ascii: ":"))
            result[key] = try value()
            skipSpace()
            if peek == UInt8(ascii: ",") { position += 1; continue }
            try expect(UInt8(ascii: "}"))
            break
        }
        skipSpace()
        guard position == bytes.count else { throw failure("unexpected text after the dictionary") }
        return result
    }

    private mutating func value() throws -> Value {
        skipSpace()
        guard let first = peek else { throw failure("header ends where a value was expected") }
        switch first {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            position += 1
            guard let end = bytes[position...].firstIndex(of: first) else { throw failure("unterminated string") }
            let text = String(decoding: bytes[position..<end], as: UTF8.self)
            position = end + 1
            return .string(text)
        case UInt8(ascii: "("):
            position += 1
            var items: [Int] = []
            while true {
                skipSpace()
                if peek == UInt8(ascii: ")") { position += 1; break }
                items.append(try integer())
                skipSpace()
                if peek == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: ")"))
                break
            }
            return .tuple(items)
        default:
            if consume("True") { return .bool(true) }
            if consume("False") { return .bool(false) }
            throw failure("expected a string, True, False or a tuple")
        }
    }

    private mutating func integer() throws -> Int {
        let start = position
        while let c = peek, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { position += 1 }
        guard position > start, let value = Int(String(decoding: bytes[start..<position], as: UTF8.self)) else {
            throw failure("expected a non-negative integer in the shape", at: start)
        }
        if peek == UInt8(ascii: "L") { position += 1 }  // Python 2 long literals
        return value
    }

    private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipSpace() {
        while let c = peek, c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D { position += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws {
        skipSpace()
        guard peek == byte else { throw failure("expected '\(Character(Unicode.Scalar(byte)))'") }
        position += 1
    }

    private mutating func consume(_ word: String) -> Bool {
        let utf8 = Array(word.utf8)
        guard bytes.count - position >= utf8.count, Array(bytes[position..<(position + utf8.count)]) == utf8 else { return false }
        position += utf8.count
        return true
    }

    private func failure(_ reason: String, at index: Int? = nil) -> DataError {
        .malformedHeader(path: path, offset: fileOffset + (index ?? position), reason: reason)
    }
}
