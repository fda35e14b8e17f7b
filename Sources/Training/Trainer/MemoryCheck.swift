import Autograd
import Data
import Foundation
import MPI

/// Before training, measures what one iteration needs per sample and refuses a
/// global batch this machine cannot hold: the method's phases (losses and their
/// gradients, without updating anything) run on 1 and then 2 samples per rank, the
/// growth of the peak tensor memory gives the bytes per sample, and the estimate
/// for the configured per-rank batch is compared with the memory available to the
/// ranks of this host. Buffers a forward pass changes (batch-norm statistics,
/// spectral-norm vectors) are restored, so the probe leaves no trace.
extension Trainer {
    func checkMemory() throws {
        let perRank = BalancedSplit.range(0, of: comm.size, total: config.batchSize).count
        guard perRank > 2 else { return }
        let buffers = method.networks.flatMap { $0.module.namedBuffers.tensors }
        let saved = buffers.map { $0.copy() }
        defer { for (buffer, value) in zip(buffers, saved) { buffer.assign(value) } }
        let one = try probePeak(rowsPerRank: 1)
        let two = try probePeak(rowsPerRank: 2)
        let perSample = max(two - one, 0)
        let needed = Double(TensorMemory.liveBytes) + Double(one) + Double(perRank - 1) * Double(perSample)
        let available = try comm.allreduce(Self.availableBytes() / Double(max(comm.localSize, 1)), .min)
        guard needed <= available else {
            throw TrainingError.insufficientMemory(
                origin: config.values.origin(of: "train.batch_size"), batchSize: config.batchSize, ranks: comm.size,
                neededBytes: needed, perSampleBytes: Double(perSample), availableBytes: available)
        }
    }

    /// The peak tensor memory above what lives now while every phase computes its loss and
    /// gradients on `rowsPerRank` samples per rank (the same calls on every rank).
    private func probePeak(rowsPerRank: Int) throws -> Int {
        let batch = rowsPerRank * comm.size
        let sampler = try ShardedSampler(datasetCount: dataset.count, globalBatch: batch, worldSize: comm.size, seed: config.seed, partialBatch: .wrap)
        let data = RealData(dataset: dataset, sampler: sampler, rank: comm.rank)
        let base = TensorMemory.liveBytes
        TensorMemory.resetPeak()
        for phase in method.phases(at: step) {
            let context = StepContext(
                phase: phase.name, phaseStep: 0, iteration: step, seed: config.seed, globalBatch: batch, collectives: collectives, data: data)
            let loss = try phase.loss(context).total
            _ = Autograd.gradients(of: loss, wrt: phase.networks.flatMap(\.parameters.named.tensors))
        }
        return TensorMemory.peakBytes - base
    }

    /// Memory this process may still use: MemAvailable, or the cgroup's limit when lower.
    static func availableBytes() -> Double {
        var available = Double.infinity
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
            let kib = Double(line.split(separator: " ")[1])
        {
            available = kib * 1024
        }
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
            let limit = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let usedText = try? String(contentsOfFile: "/sys/fs/cgroup/memory.current", encoding: .utf8),
            let used = Double(usedText.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            available = min(available, limit - used)
        }
        return available
    }
}
