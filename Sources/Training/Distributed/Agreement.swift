import Foundation
import MPI

/// A failure that every rank learned of together: the message of the lowest
/// failing rank, so every rank can stop cleanly (and rank 0 can report it).
public struct RankFailure: Error, CustomStringConvertible {
    public let rank: Int
    public let message: String
    /// The original error on the rank that failed first; nil on ranks that only heard of it.
    public let underlying: Error?

    public var description: String { message }
}

extension Communicator {
    /// Runs `body` on every rank; if it throws on any rank, it throws on every rank
    /// (the lowest failing rank's error), so no rank is left waiting in a collective.
    public func agree<T>(_ body: () throws -> T) throws -> T {
        var outcome: Result<T, Error>
        do {
            outcome = .success(try body())
        } catch {
            outcome = .failure(error)
        }
        var localError: Error?
        if case .failure(let error) = outcome { localError = error }
        guard try any(localError != nil) else { return try outcome.get() }
        // A failing rank sends a marker byte before its message, so an empty message still counts.
        let messages = try allgatherv(localError.map { [UInt8(1)] + Array("\($0)".utf8) } ?? [])
        let first = messages.firstIndex { !$0.isEmpty } ?? 0
        let message = String(decoding: messages[first].dropFirst(), as: UTF8.self)
        throw RankFailure(rank: first, message: message, underlying: first == rank ? localError : nil)
    }
}
