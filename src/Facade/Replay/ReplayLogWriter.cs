using System.Collections.Immutable;
using System.Text;
using Functional.Facade.IO;
using Functional.Facade.Training;

namespace Functional.Facade.Replay;

/// <summary>
/// Appends records to a replay log as training runs. Each line is written and flushed to the operating system
/// as it is made, so a killed process loses at most the line being written.
/// </summary>
public sealed class ReplayLogWriter : IDisposable
{
    private readonly StreamWriter _writer;
    private string _chain;

    private ReplayLogWriter(StreamWriter writer, string chain)
    {
        _writer = writer;
        _chain = chain;
    }

    /// <summary>Starts a new log holding only the header.</summary>
    public static ReplayLogWriter Create(string path, RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var (header, chain) = ReplayLog.Seal(ReplayLog.HeaderContent(config), ReplayLog.Genesis);
        AtomicFile.WriteAllText(path, header + "\n");
        return Open(path, chain);
    }

    /// <summary>
    /// Continues a log after a resume: keeps the header and the records up to <paramref name="step"/> (rewritten
    /// atomically), drops the rest — the resumed run writes them again — and appends from there.
    /// </summary>
    public static ReplayLogWriter ContinueAt(ReplayLogContents log, long step)
    {
        ArgumentNullException.ThrowIfNull(log);
        var kept = new List<string> { log.Lines[0] };
        var chain = ReplayLog.Genesis;
        chain = ReplayLog.Seal(ReplayLog.HeaderContent(log.Config), chain).Chain;
        foreach (var record in Records(log).Where(r => r.Step <= step))
        {
            string line;
            (line, chain) = ReplayLog.Seal(record.Content, chain);
            kept.Add(line);
        }
        AtomicFile.WriteAllText(log.Path, string.Concat(kept.Select(l => l + "\n")));
        return Open(log.Path, chain);
    }

    /// <summary>Records a step: its loss bits and its parameters' hashes.</summary>
    public void Step(long step, double loss, ImmutableSortedDictionary<string, string> paramHashes) =>
        Append(ReplayLog.StepContent(step, loss, paramHashes));

    /// <summary>Records an epoch's loss and accuracies, bit for bit.</summary>
    public void Epoch(EpochReport report) => Append(ReplayLog.EpochContent(report));

    /// <summary>Closes the run: its step count and final parameter hash.</summary>
    public void End(long steps, string paramsSha256) => Append(ReplayLog.EndContent(steps, paramsSha256));

    /// <inheritdoc/>
    public void Dispose() => _writer.Dispose();

    private static ReplayLogWriter Open(string path, string chain) =>
        new(new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)), chain);

    private void Append(string content)
    {
        string line;
        (line, _chain) = ReplayLog.Seal(content, _chain);
        _writer.Write(line);
        _writer.Write('\n');
        _writer.Flush();
    }

    /// <summary>The step and epoch records in their original order, re-rendered from the parsed log.</summary>
    private static IEnumerable<(long Step, string Content)> Records(ReplayLogContents log)
    {
        var steps = log.Steps.Select(s => (s.Step, Order: 0, Content: ReplayLog.StepContent(s.Step, s.Loss, s.ParamHashes)));
        var epochs = log.Epochs.Select(e => (e.Step, Order: 1, Content: ReplayLog.EpochContent(e)));
        return steps.Concat(epochs).OrderBy(r => r.Step).ThenBy(r => r.Order).Select(r => (r.Step, r.Content));
    }
}
