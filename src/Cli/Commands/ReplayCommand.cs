using System.CommandLine;
using System.Globalization;
using Functional.Facade.Replay;

namespace Functional.Cli.Commands;

/// <summary>`replay`: re-run a recorded training run and verify every recorded step bit for bit.</summary>
internal static class ReplayCommand
{
    /// <summary>The exit code when a step differs (other failures exit with 1).</summary>
    public const int Diverged = 2;

    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "A run directory written by train (it holds replay.jsonl)." };
        var until = new Option<long?>("--until") { Description = "Stop after verifying this step." };
        var data = new Option<string?>("--data") { Description = "Data directory to replay on. Default: the one the run recorded." };
        var command = new Command("replay", "Re-run a recorded training run and verify every recorded step bit for bit.") { run, until, data };
        command.SetAction(parse => Run(parse.GetValue(run)!, parse.GetValue(until), parse.GetValue(data)));
        return command;
    }

    private static int Run(string runDirectory, long? until, string? dataDirectory)
    {
        if (until is < 1)
        {
            throw new ArgumentException($"--until must be ≥ 1, got {until}.");
        }
        var log = ReplayLog.Read(Path.Combine(runDirectory, ReplayLog.FileName));
        var lastRecorded = log.Steps.Count > 0 ? log.Steps[^1].Step : 0;
        if (log.End is null && until is null)
        {
            throw new InvalidDataException(
                $"{log.Path}: no end record: the run did not finish (last recorded step {lastRecorded}); pass --until {lastRecorded} to verify what was recorded.");
        }
        if (until > lastRecorded)
        {
            throw new ArgumentException($"--until {until}: the log records steps up to {lastRecorded}.");
        }
        var data = CliOptions.LoadData(dataDirectory ?? log.Config.DataDirectory);
        Console.WriteLine($"replaying {log.Config} from {log.Path}");
        var total = until ?? lastRecorded;
        var progress = Console.IsErrorRedirected ? null : new Action<long>(step =>
        {
            if (step % 100 == 0 || step == total)
            {
                Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\rstep {step}/{total}"));
            }
        });
        var outcome = Replayer.Verify(log, data, until, progress);
        if (progress is not null)
        {
            Console.Error.Write("\r" + new string(' ', 40) + "\r");
        }
        if (!outcome.Matched)
        {
            Console.Error.WriteLine($"diverged at {outcome.Divergence} ({outcome.RecordsVerified} earlier records matched)");
            return Diverged;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"replayed {outcome.StepsRun} steps; all {outcome.RecordsVerified} recorded steps match bit for bit{(log.End is not null && outcome.StepsRun == log.End.Steps ? ", and the final parameters' sha256" : "")}"));
        return 0;
    }
}
