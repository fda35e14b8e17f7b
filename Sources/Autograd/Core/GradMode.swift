#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whether ops record a graph, per thread (ranks emulated as threads each have their own).
enum GradMode {
    private static let disabledKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// True unless the current thread is inside `withoutGradients`.
    @inline(__always)
    static var isEnabled: Bool { pthread_getspecific(disabledKey) == nil }

    static func with<R>(enabled: Bool, _ body: () throws -> R) rethrows -> R {
        let previous = pthread_getspecific(disabledKey)
        pthread_setspecific(disabledKey, enabled ? nil : UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(disabledKey, previous) }
        return try body()
    }
}

/// Runs `body` with graph recording off: ops compute values only, build no graph
/// and keep nothing alive for a backward pass (PyTorch's `torch.no_grad()`).
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.with(enabled: false, body)
}

/// True when ops on this thread record a graph.
public var isRecordingGradients: Bool { GradMode.isEnabled }

/// Runs `body` with graph recording on, even inside `withoutGradients`: for sampling
/// paths that take input gradients of frozen networks (Trust-the-Critics' pushes).
public func withGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.with(enabled: true, body)
}
