import Foundation
import XCTest

/// The project's size rules, checked on every Swift file under Sources: small files
/// with one concept each (at most 300 lines) and short functions (at most 60 lines,
/// from the line that opens the body to the brace that closes it).
final class SourceSizeTests: XCTestCase {
    private static let maximumFileLines = 300
    private static let maximumFunctionLines = 60

    private func swiftFiles() throws -> [URL] {
        let sources = Package.root.appendingPathComponent("Sources")
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }.sorted { $0.path < $1.path }
    }

    func testNoSourceFileIsLongerThan300Lines() throws {
        let files = try swiftFiles()
        XCTAssertGreaterThan(files.count, 100, "the scan must see the sources")
        for file in files {
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).count
            XCTAssertLessThanOrEqual(lines, Self.maximumFileLines, file.path)
        }
    }

    func testNoFunctionIsLongerThan60Lines() throws {
        var measured = 0
        for file in try swiftFiles() {
            let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (start, length) in Self.functionLengths(lines) {
                measured += 1
                XCTAssertLessThanOrEqual(length, Self.maximumFunctionLines, "\(file.path):\(start + 1)")
            }
        }
        XCTAssertGreaterThan(measured, 500, "the scan must find the functions")
    }

    /// (first line, line count) of every function, initializer and closure-bodied
    /// subscript: a declaration line ending in "{", closed by the first "}" line at its indentation.
    static func functionLengths(_ lines: [String]) -> [(Int, Int)] {
        let declaration = #/^(\s*)((@\w+(\(.*\))?\s+)*(public |private |fileprivate |internal |static |override |mutating |final |convenience |required |nonisolated )*)(func |init[?!]?[(<]|subscript[(<])/#
        var result: [(Int, Int)] = []
        for (index, line) in lines.enumerated() {
            guard let match = line.firstMatch(of: declaration) else { continue }
            let indent = String(line[match.range].prefix { $0 == " " })
            // The body opens on this line or a following signature line.
            guard let open = lines[index...].prefix(8).firstIndex(where: { $0.hasSuffix("{") }) else { continue }
            guard let close = lines[(open + 1)...].firstIndex(where: { $0 == indent + "}" }) else { continue }
            result.append((index, close - index + 1))
        }
        return result
    }
}
