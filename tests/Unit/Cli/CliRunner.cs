using System.Diagnostics;

namespace Functional.Unit.Tests.Cli;

/// <summary>Runs the built command-line program in a child process, as a user would.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>
    /// Only stops a hung process: long enough that a run next to a CPU burner (tests/under-load.sh), with other test
    /// classes running beside it, never reaches it.
    /// </summary>
    public static readonly TimeSpan HangTimeout = TimeSpan.FromMinutes(10);

    public static Result Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    /// <summary>Runs with extra environment variables, e.g. to turn off instruction sets.</summary>
    public static Result RunWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(environment, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(HangTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"functional {string.Join(' ', args)} did not finish in {HangTimeout.TotalMinutes} minutes: hung");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Starts the program without waiting, with its output redirected.</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "functional.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return Process.Start(start)!;
    }
}
