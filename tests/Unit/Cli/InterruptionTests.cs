using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Functional.Cli.Commands;
using Functional.Cli.Output;
using Functional.Facade.Replay;

namespace Functional.Unit.Tests.Cli;

/// <summary>Ctrl+C during `train`, and the ways a run directory can fail: what is printed, and that a resume still works.</summary>
public sealed class InterruptionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("functional-interrupt-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Dir(string name) => Path.Combine(_directory, name);

    private static string ParamsHash(string run) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json"))).RootElement.GetProperty("params_sha256").GetString()!;

    private static void Succeeds(CliRunner.Result result) => Assert.True(result.ExitCode == 0, result.Output + result.Error);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Ctrl_C_prints_one_line_exits_130_and_the_printed_command_resumes_to_the_uninterrupted_result()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;   // SIGINT by `kill` and `env --default-signal` are Linux tools; CI runs Linux.
        }
        string[] settings = ["train", "--steps", "8000", "--hidden", "10", "--checkpoint-every", "100"];
        Succeeds(CliRunner.Run([.. settings, "--out", Dir("whole")]));
        // A name a shell would split or mangle unquoted: the printed command must quote it.
        var run = Dir("Ctrl+C'd run (1)");

        CliRunner.Result interrupted;
        using (var process = CliRunner.StartInterruptible([.. settings, "--out", run]))
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            // Training has begun and written its first checkpoint; the run has 7,900 steps to go, so the signal
            // arrives long before the end. Polling is not timing: the deadline only stops a hung run.
            var first = Checkpoints.PathOf(run, 100);
            var deadline = DateTime.UtcNow + CliRunner.HangTimeout;
            while (!File.Exists(first) && !process.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }
            if (process.HasExited)
            {
                Assert.Fail($"the run ended before it could be interrupted: {await error}");
            }
            CliRunner.Interrupt(process);
            Assert.True(process.WaitForExit(CliRunner.HangTimeout), "the run did not stop after Ctrl+C");
            interrupted = new CliRunner.Result(process.ExitCode, await output, await error);
        }

        Assert.True(interrupted.ExitCode == 130, $"exit code {interrupted.ExitCode}: {interrupted.Error}");
        Assert.False(File.Exists(Path.Combine(run, "summary.json")));
        var line = Assert.Single(Lines(interrupted.Error));
        var match = Regex.Match(line, "^interrupted after step ([0-9]+) of 8000; newest checkpoint (.+); resume with: (.+ train --resume .+)$");
        Assert.True(match.Success, line);
        var step = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(step, 100, 7999);
        // The newest checkpoint named is the newest on disk, the last one due at or before the step named.
        var newest = Directory.GetFiles(Checkpoints.DirectoryOf(run)).Order(StringComparer.Ordinal).Last();
        Assert.Equal(Checkpoints.PathOf(run, step / 100 * 100), match.Groups[2].Value);
        Assert.Equal(newest, match.Groups[2].Value);
        // The log holds every step up to the one named, whole: nothing torn, nothing past it.
        var log = ReplayLog.Read(Path.Combine(run, ReplayLog.FileName));
        Assert.Equal(step, log.Steps[^1].Step);

        var resumed = CliRunner.Shell(match.Groups[3].Value);
        Succeeds(resumed);
        Assert.Contains($"from step {step / 100 * 100}", resumed.Output, StringComparison.Ordinal);
        Assert.Equal(ParamsHash(Dir("whole")), ParamsHash(run));
        foreach (var file in new[] { "replay.jsonl", "metrics.csv", "params.safetensors" })
        {
            Assert.True(File.ReadAllBytes(Path.Combine(Dir("whole"), file)).SequenceEqual(File.ReadAllBytes(Path.Combine(run, file))),
                $"{file} differs between the interrupted-and-resumed and the uninterrupted run");
        }
    }

    [Fact]
    public void The_interruption_line_without_a_checkpoint_says_a_resume_starts_again_from_step_0()
    {
        var line = TrainCommand.InterruptionLine("runs/a b", 37, 10000, null);
        Assert.StartsWith("interrupted after step 37 of 10000; no checkpoint yet (resume starts again from step 0); resume with: ", line, StringComparison.Ordinal);
        Assert.EndsWith(" train --resume 'runs/a b'", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("runs/x", false, "runs/x")]
    [InlineData("runs/my run", false, "'runs/my run'")]
    [InlineData("it's", false, "'it'\\''s'")]
    [InlineData("a\\b", false, "'a\\b'")]
    [InlineData("$HOME", false, "'$HOME'")]
    [InlineData(@"C:\runs\x", true, @"C:\runs\x")]
    [InlineData(@"C:\my runs\x", true, "\"C:\\my runs\\x\"")]
    public void A_word_is_quoted_only_when_a_shell_would_change_it(string word, bool windows, string quoted) =>
        Assert.Equal(quoted, ShellCommand.Quote(word, windows));

    [Fact]
    public void The_program_is_named_the_way_it_was_started()
    {
        Assert.Equal("dotnet /opt/f/functional.dll", ShellCommand.Program("/usr/share/dotnet/dotnet", "/opt/f/functional.dll", "/home/u", windows: false));
        Assert.Equal("dotnet run --project src/Cli --",
            ShellCommand.Program("/home/u/repo/src/Cli/bin/Debug/net10.0/functional", "/home/u/repo/src/Cli/bin/Debug/net10.0/functional.dll", "/home/u/repo", windows: false));
        Assert.Equal("dotnet run --project src/Cli -c Release --",
            ShellCommand.Program("/home/u/repo/src/Cli/bin/Release/net10.0/functional", "/home/u/repo/src/Cli/bin/Release/net10.0/functional.dll", "/home/u/repo", windows: false));
        Assert.Equal("/opt/tools/functional", ShellCommand.Program("/opt/tools/functional", "/opt/tools/functional.dll", "/home/u", windows: false));
    }

    [Fact]
    public void Out_naming_a_file_fails_before_any_data_is_read()
    {
        File.WriteAllText(Dir("taken"), "a file");
        // --data names nothing: had the data been read first, that would be the error.
        var result = CliRunner.Run("train", "--steps", "1", "--data", Dir("no-such-data"), "--out", Dir("taken"));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: --out: {Dir("taken")} is a file; choose a new run directory.", Assert.Single(Lines(result.Error)));
        Assert.Equal("a file", File.ReadAllText(Dir("taken")));
    }

    [Fact]
    public void Out_under_a_file_fails_before_any_data_is_read_naming_the_file()
    {
        File.WriteAllText(Dir("taken"), "a file");
        var run = Path.Combine(Dir("taken"), "runs", "a");
        var result = CliRunner.Run("train", "--steps", "1", "--data", Dir("no-such-data"), "--out", run);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: --out: cannot create {run}: {Dir("taken")} is a file, not a directory.", Assert.Single(Lines(result.Error)));
    }

    [Fact]
    public void Out_in_a_directory_that_cannot_be_written_fails_before_any_data_is_read()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        // Permission bits do not stop root (CI runs tests as root); /proc refuses new files to everyone.
        var result = CliRunner.Run("train", "--steps", "1", "--data", Dir("no-such-data"), "--out", "/proc/functional-run");
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(Lines(result.Error));
        Assert.StartsWith("error: --out: cannot create /proc/functional-run: /proc cannot be written: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_that_cannot_be_written_stops_the_run_naming_it_and_the_earlier_checkpoint_still_resumes()
    {
        var run = Dir("run");
        Succeeds(CliRunner.Run("train", "--steps", "300", "--hidden", "10", "--checkpoint-every", "100", "--out", run));
        var finished = ParamsHash(run);
        // Turn the run into one that crashed after step 100, and put a directory where step 200's checkpoint goes:
        // the rename that completes its write fails, as a full disk or a lost mount would make it fail.
        File.Delete(Path.Combine(run, "summary.json"));
        File.Delete(Checkpoints.PathOf(run, 200));
        Directory.CreateDirectory(Checkpoints.PathOf(run, 200));
        var earlier = File.ReadAllBytes(Checkpoints.PathOf(run, 100));

        var failed = CliRunner.Run("train", "--resume", run);
        Assert.Equal(1, failed.ExitCode);
        var line = Assert.Single(Lines(failed.Error));
        Assert.StartsWith($"error: checkpoint at step 200: writing {Checkpoints.PathOf(run, 200)} failed", line, StringComparison.Ordinal);
        Assert.Contains($"the earlier checkpoint {Checkpoints.PathOf(run, 100)} is kept", line, StringComparison.Ordinal);
        Assert.Contains($"resume with: ", line, StringComparison.Ordinal);
        Assert.Equal([Checkpoints.PathOf(run, 100)], Directory.GetFiles(Checkpoints.DirectoryOf(run)));   // no temporary file left
        Assert.Equal(earlier, File.ReadAllBytes(Checkpoints.PathOf(run, 100)));

        Directory.Delete(Checkpoints.PathOf(run, 200));
        var resumed = CliRunner.Run("train", "--resume", run);
        Succeeds(resumed);
        Assert.Contains("from step 100", resumed.Output, StringComparison.Ordinal);
        Assert.Equal(finished, ParamsHash(run));
    }

    [Fact]
    public void An_exploding_but_finite_loss_gets_one_warning_naming_the_step_and_the_learning_rate()
    {
        var result = CliRunner.Run("train", "--lr", "1e6", "--steps", "5", "--hidden", "10", "--out", Dir("run"));
        Succeeds(result);
        var warning = Assert.Single(Lines(result.Error), l => l.StartsWith("warning:", StringComparison.Ordinal));
        Assert.Matches(
            "^warning: step 2: loss [0-9.]+E\\+[0-9]+ is over 100× the first step's loss 2\\.3[0-9]*; the learning rate \\(--lr 1000000\\) is probably too high$",
            warning);
    }
}
