import Autograd

extension NetworkUpdater {
    /// The backward pass into the networks' flat gradient buffers, with each bucket's
    /// sum across ranks issued on the gradient stream as soon as it may go out (or
    /// after the pass without overlap), then the wait for whatever is still in flight.
    func sumGradients(of loss: Tensor, networks: [Network]) throws {
        let targets = networks.flatMap(\.parameters.named.tensors)
        let destinations = networks.flatMap(\.parameters.gradientViews)
        let names = networks.map(\.name).joined(separator: "+")
        guard let stream else {
            timeline.span("backward \(names)") { gradients(of: loss, into: GradientSink(targets: targets, destinations: destinations) { _ in }) }
            return
        }
        var schedule = BucketSchedule(networks: networks, plans: networks.map(plan))
        let overlap = settings.overlap
        let sink = GradientSink(targets: targets, destinations: destinations) { target in
            if overlap { self.issue(schedule.entries[schedule.targetReady(target)], on: stream) }
        }
        timeline.span("backward \(names)") { gradients(of: loss, into: sink) }
        issue(schedule.entries[schedule.issueRest()], on: stream)
        try exposed("wait for gradients") { try stream.waitAll() }
    }

    /// Submits the reductions of `entries` to the stream, in order.
    private func issue(_ entries: ArraySlice<BucketSchedule.Entry>, on stream: GradientStream) {
        for entry in entries {
            let reduction = BucketReduction(
                bucket: entry.bucket, gradients: entry.network.parameters.gradients.withMutableScalars { $0.baseAddress! },
                compression: settings.compression, split: settings.split, scratch: scratch)
            let megabytes = Double(entry.bucket.elements.count * 4) / Double(1 << 20)
            let name = "\(entry.network.name) bucket \(entry.index)"
            let now = Timeline.now
            timeline.record("issue \(name)", from: now, to: now)
            stream.submit(
                GradientStream.Job(
                    name: name,
                    detail: "\(entry.bucket.elements.count) elements (\(String(format: "%.2f", megabytes)) MiB as float32), parameters \(entry.bucket.parameters)",
                    run: reduction.run))
        }
    }

    /// `network`'s bucket plan, made on first use.
    private func plan(_ network: Network) -> BucketPlan {
        if let plan = plans[ObjectIdentifier(network)] { return plan }
        let plan = BucketPlan(layout: network.parameters.layout, settings: settings, ranks: comm.size)
        plans[ObjectIdentifier(network)] = plan
        return plan
    }
}
