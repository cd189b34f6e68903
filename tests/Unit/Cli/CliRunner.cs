using System.Diagnostics;
using System.Globalization;

namespace Functional.Unit.Tests.Cli;

/// <summary>Runs the built command-line program in a child process, as a user would.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>
    /// Only stops a hung process: long enough that a run next to a CPU burner (tests/under-load.sh), with other test
    /// classes running beside it, never reaches it.
    /// </summary>
    public static readonly TimeSpan HangTimeout = TimeSpan.FromMinutes(30);

    public static Result Run(params string[] args) => RunWith(new Dictionary<string, string>(), args);

    /// <summary>Runs with extra environment variables, e.g. to turn off instruction sets.</summary>
    public static Result RunWith(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(environment, args);
        return Finish(process, $"functional {string.Join(' ', args)}");
    }

    /// <summary>Collects a started process's output and exit code, killing it only if it hangs.</summary>
    public static Result Finish(Process process, string description)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(HangTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{description} did not finish in {HangTimeout.TotalMinutes} minutes: hung");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Starts the program without waiting, with its output redirected.</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start(new ProcessStartInfo("dotnet"), environment, [Program, .. args]);

    /// <summary>
    /// Starts the program so that Ctrl+C (SIGINT) reaches it: a process started with SIGINT ignored keeps ignoring
    /// it (as a background job in a shell without job control does, and .NET respects that), so the program starts
    /// through `env --default-signal=INT`, which restores the default and then becomes `dotnet functional.dll`
    /// itself (exec: same process id, and the dotnet host runs the program in that process, no child).
    /// </summary>
    public static Process StartInterruptible(params string[] args) =>
        Start(new ProcessStartInfo("env"), new Dictionary<string, string>(), ["--default-signal=INT", "dotnet", Program, .. args]);

    /// <summary>Sends SIGINT, what Ctrl+C in a terminal sends, to <paramref name="process"/>.</summary>
    public static void Interrupt(Process process)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { "-INT", process.Id.ToString(CultureInfo.InvariantCulture) },
            UseShellExecute = false,
        })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Runs <paramref name="command"/> through /bin/sh, as a user pasting it into a terminal would.</summary>
    public static Result Shell(string command)
    {
        using var process = Start(new ProcessStartInfo("/bin/sh"), new Dictionary<string, string>(), ["-c", command]);
        return Finish(process, command);
    }

    private static string Program => Path.Combine(AppContext.BaseDirectory, "functional.dll");

    private static Process Start(ProcessStartInfo start, IReadOnlyDictionary<string, string> environment, IEnumerable<string> args)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return Process.Start(start)!;
    }
}
