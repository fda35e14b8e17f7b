/// An error every rank raises at the same point (agreed through a collective, or
/// computed from identical inputs), so each rank can simply stop: no rank is
/// left waiting in a collective, and rank 0 alone reports it.
public protocol RaisedOnEveryRank: Error {}

extension RankFailure: RaisedOnEveryRank {}
extension TrainingError: RaisedOnEveryRank {}
extension ConfigError: RaisedOnEveryRank {}
