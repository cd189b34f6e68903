using System.Globalization;
using Functional.Facade.Data;
using Functional.Training;

namespace Functional.Facade.Replay;

/// <summary>The result of a replay.</summary>
/// <param name="Matched">True when every verified record matched bit for bit.</param>
/// <param name="StepsRun">Steps re-run.</param>
/// <param name="RecordsVerified">Step records compared.</param>
/// <param name="Divergence">The first difference — step, what differs, both values — or null.</param>
public sealed record ReplayOutcome(bool Matched, long StepsRun, int RecordsVerified, string? Divergence);

/// <summary>Re-runs a recorded training run from its log and compares every recorded step.</summary>
public static class Replayer
{
    /// <summary>
    /// Re-runs the log's configuration on <paramref name="data"/> up to <paramref name="until"/> (default: every
    /// recorded step) and stops at the first step whose loss bits or parameter hashes differ.
    /// </summary>
    /// <exception cref="InvalidDataException">The data's fingerprint differs from the recorded one; nothing is run.</exception>
    public static ReplayOutcome Verify(ReplayLogContents log, MnistData data, long? until = null, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(data);
        var config = log.Config;
        if (data.Fingerprint != config.DataSha256)
        {
            throw new InvalidDataException(
                $"{log.Path}: the run was recorded on data with SHA-256 {config.DataSha256}, but {data.Source} has {data.Fingerprint}; refusing to replay on other data.");
        }
        var last = log.Steps.Count > 0 ? log.Steps[^1].Step : 0;
        var target = Math.Min(until ?? last, last);
        var state = TrainingFold.Start(config.Network, config.Train);
        var verified = 0;
        foreach (var record in log.Steps.TakeWhile(r => r.Step <= target))
        {
            double loss = 0;
            while (state.Step < record.Step)
            {
                var result = TrainingFold.Step(config.Network, state, data.Train, config.Train);
                (state, loss) = (result.State, result.Loss);
                progress?.Invoke(state.Step);
            }
            if (BitConverter.DoubleToInt64Bits(loss) != BitConverter.DoubleToInt64Bits(record.Loss))
            {
                return Diverged(state.Step, verified, $"the loss differs: recorded {Describe(record.Loss)}, replayed {Describe(loss)}");
            }
            var hashes = state.LeafHashes();
            foreach (var (key, recorded) in record.ParamHashes)
            {
                var replayed = hashes.TryGetValue(key, out var h) ? h : "(no such parameter)";
                if (replayed != recorded)
                {
                    return Diverged(state.Step, verified, $"parameter {key} differs: recorded hash {recorded}, replayed {replayed}");
                }
            }
            verified++;
        }
        if (log.End is { } end && target == end.Steps && state.Tensors.Sha256() != end.ParamsSha256)
        {
            return Diverged(state.Step, verified, $"the final parameters differ: recorded sha256 {end.ParamsSha256}, replayed {state.Tensors.Sha256()}");
        }
        return new ReplayOutcome(true, state.Step, verified, null);
    }

    private static ReplayOutcome Diverged(long step, int verified, string what) =>
        new(false, step, verified, string.Create(CultureInfo.InvariantCulture, $"step {step}: {what}"));

    private static string Describe(double value) => $"{ReplayLog.Bits(value)} ({value.ToString("R", CultureInfo.InvariantCulture)})";
}
