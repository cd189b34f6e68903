using System.Text.Json;

namespace Functional.Unit.Tests.Cli;

/// <summary>Recording, replaying, checkpointing and resuming runs through the command-line program.</summary>
public sealed class ReplayCliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("functional-replay-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Dir(string name) => Path.Combine(_directory, name);

    private static string ParamsHash(string run) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json"))).RootElement.GetProperty("params_sha256").GetString()!;

    private static void Succeeds(CliRunner.Result result) => Assert.True(result.ExitCode == 0, result.Output + result.Error);

    [Fact]
    public void A_run_killed_with_SIGKILL_and_resumed_ends_bit_identical_to_an_uninterrupted_run()
    {
        string[] settings = ["train", "--steps", "1200", "--hidden", "30", "--checkpoint-every", "150"];
        Succeeds(CliRunner.Run([.. settings, "--out", Dir("whole")]));

        using (var process = CliRunner.Start(new Dictionary<string, string>(), [.. settings, "--out", Dir("killed")]))
        {
            var checkpoint = Path.Combine(Dir("killed"), "checkpoints", "step-000000300.safetensors");
            var deadline = DateTime.UtcNow + CliRunner.HangTimeout;
            while (!File.Exists(checkpoint) && !process.HasExited && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }
            process.Kill();   // SIGKILL on Unix: no chance to clean up
            process.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(Dir("killed"), "summary.json")), "the run finished before it could be killed");

        var resumed = CliRunner.Run("train", "--resume", Dir("killed"));
        Succeeds(resumed);
        Assert.Contains("resuming", resumed.Output, StringComparison.Ordinal);
        Assert.Equal(ParamsHash(Dir("whole")), ParamsHash(Dir("killed")));
        foreach (var file in new[] { "replay.jsonl", "metrics.csv", "params.safetensors", "curves.svg" })
        {
            Assert.True(File.ReadAllBytes(Path.Combine(Dir("whole"), file)).SequenceEqual(File.ReadAllBytes(Path.Combine(Dir("killed"), file))),
                $"{file} differs between the resumed and the uninterrupted run");
        }
        Succeeds(CliRunner.Run("replay", Dir("killed")));
    }

    [Fact]
    public void A_damaged_newest_checkpoint_is_skipped_and_the_older_one_used()
    {
        string[] settings = ["train", "--steps", "300", "--hidden", "10", "--checkpoint-every", "100"];
        Succeeds(CliRunner.Run([.. settings, "--out", Dir("whole")]));
        Succeeds(CliRunner.Run([.. settings, "--out", Dir("run")]));
        // Turn the finished run into one that crashed after step 200, with a damaged last checkpoint.
        File.Delete(Path.Combine(Dir("run"), "summary.json"));
        var newest = Path.Combine(Dir("run"), "checkpoints", "step-000000200.safetensors");
        var bytes = File.ReadAllBytes(newest);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(newest, bytes);

        var resumed = CliRunner.Run("train", "--resume", Dir("run"));
        Succeeds(resumed);
        Assert.Contains("checksum mismatch", resumed.Error, StringComparison.Ordinal);
        Assert.Contains("from step 100", resumed.Output, StringComparison.Ordinal);
        Assert.Equal(ParamsHash(Dir("whole")), ParamsHash(Dir("run")));
    }

    [Theory]
    [InlineData("float64")]
    [InlineData("float32")]
    public void A_chapter_6_run_resumes_from_a_checkpoint_with_its_optimizer_state_and_replays(string precision)
    {
        string[] settings = ["train", "--steps", "300", "--hidden", "20,12", "--optimizer", "adam", "--lr", "0.002", "--dropout", "0.2", "--batchnorm",
            "--schedule", "cosine", "--weight-decay", "0.0001", "--init", "he", "--clip-norm", "5", "--checkpoint-every", "100", "--precision", precision];
        Succeeds(CliRunner.Run([.. settings, "--out", Dir("whole")]));
        Succeeds(CliRunner.Run([.. settings, "--out", Dir("run")]));
        // Turn the finished run into one that crashed after step 200.
        File.Delete(Path.Combine(Dir("run"), "summary.json"));
        File.Delete(Path.Combine(Dir("run"), "checkpoints", "step-000000300.safetensors"));

        var resumed = CliRunner.Run("train", "--resume", Dir("run"));
        Succeeds(resumed);
        Assert.Contains("from step 200", resumed.Output, StringComparison.Ordinal);
        Assert.Equal(ParamsHash(Dir("whole")), ParamsHash(Dir("run")));
        Assert.True(File.ReadAllBytes(Path.Combine(Dir("whole"), "replay.jsonl")).SequenceEqual(File.ReadAllBytes(Path.Combine(Dir("run"), "replay.jsonl"))),
            "replay.jsonl differs between the resumed and the uninterrupted run");
        Assert.Contains("optimizer.m/W1", File.ReadAllText(Path.Combine(Dir("run"), "replay.jsonl")), StringComparison.Ordinal);

        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir("run"), "config.json"))).RootElement;
        Assert.Equal("adam", config.GetProperty("optimizer").GetString());
        Assert.Equal(precision, config.GetProperty("precision").GetString());
        Assert.Equal("affine:20,batchnorm,relu,dropout:0.2,affine:12,batchnorm,relu,dropout:0.2,affine:10", config.GetProperty("net").GetString());
        Succeeds(CliRunner.Run("replay", Dir("run")));
    }

    [Fact]
    public void A_checkpoint_of_another_optimizer_is_refused()
    {
        Succeeds(CliRunner.Run("train", "--steps", "100", "--hidden", "10", "--optimizer", "momentum", "--lr", "0.05", "--checkpoint-every", "50", "--out", Dir("run")));
        File.Delete(Path.Combine(Dir("run"), "summary.json"));
        var path = Path.Combine(Dir("run"), "config.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"momentum\"", "\"adam\"", StringComparison.Ordinal));
        var resumed = CliRunner.Run("train", "--resume", Dir("run"));
        Assert.Contains("adam optimizer keeps buffers [m, v], the checkpoint [velocity]", resumed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_are_bit_identical_across_vector_widths_and_processor_counts()
    {
        var environments = new Dictionary<string, string>[]
        {
            [],
            new() { ["DOTNET_PreferredVectorBitWidth"] = "512" },
            new() { ["DOTNET_EnableAVX512F"] = "0", ["DOTNET_EnableAVX512"] = "0" },
            new() { ["DOTNET_EnableAVX2"] = "0" },
            new() { ["DOTNET_EnableHWIntrinsic"] = "0" },
            new() { ["DOTNET_PROCESSOR_COUNT"] = "1" },
        };
        var hashes = new List<string>();
        var widths = new HashSet<int>();
        for (var i = 0; i < environments.Length; i++)
        {
            Succeeds(CliRunner.RunWith(environments[i], "train", "--steps", "120", "--hidden", "24", "--out", Dir($"env{i}")));
            hashes.Add(ParamsHash(Dir($"env{i}")));
            widths.Add(JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir($"env{i}"), "summary.json"))).RootElement.GetProperty("vector_bits").GetInt32());
        }
        Assert.Single(hashes.Distinct());
        Assert.Contains(0, widths);          // scalar code
        Assert.True(widths.Count >= 3, $"only vector widths {string.Join(", ", widths)} were exercised");
    }

    [Fact]
    public void Float32_runs_replay_and_are_bit_identical_across_instruction_sets_and_processor_counts()
    {
        // Width 50 in float32 is 32 + 16 columns in 512-bit vectors and a 2-column tail: every kernel path runs.
        var environments = new Dictionary<string, string>[]
        {
            [],
            new() { ["DOTNET_EnableAVX512F"] = "0", ["DOTNET_EnableAVX512"] = "0" },
            new() { ["DOTNET_EnableHWIntrinsic"] = "0" },
            new() { ["DOTNET_PROCESSOR_COUNT"] = "1" },
        };
        var hashes = new List<string>();
        for (var i = 0; i < environments.Length; i++)
        {
            Succeeds(CliRunner.RunWith(environments[i], "train", "--steps", "120", "--hidden", "50", "--precision", "float32", "--out", Dir($"f32-{i}")));
            hashes.Add(ParamsHash(Dir($"f32-{i}")));
        }
        Assert.Single(hashes.Distinct());
        Assert.Equal("float32", JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir("f32-0"), "config.json"))).RootElement.GetProperty("precision").GetString());
        Succeeds(CliRunner.Run("train", "--steps", "120", "--hidden", "50", "--out", Dir("f64")));
        Assert.NotEqual(hashes[0], ParamsHash(Dir("f64")));
        var replay = CliRunner.Run("replay", Dir("f32-0"));
        Succeeds(replay);
        Assert.Contains("replayed 120 steps", replay.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("float64")]
    [InlineData("float32")]
    public void Chapter_6_runs_are_bit_identical_across_instruction_sets_and_processor_counts(string precision)
    {
        var environments = new Dictionary<string, string>[]
        {
            [],
            new() { ["DOTNET_EnableAVX512F"] = "0", ["DOTNET_EnableAVX512"] = "0" },
            new() { ["DOTNET_EnableHWIntrinsic"] = "0" },
            new() { ["DOTNET_PROCESSOR_COUNT"] = "1" },
        };
        var hashes = new List<string>();
        for (var i = 0; i < environments.Length; i++)
        {
            // Adam's vectorised update, BatchNorm, tanh, leaky ReLU, Dropout's masks, cosine decay and weight decay.
            Succeeds(CliRunner.RunWith(environments[i], "train", "--steps", "120", "--hidden", "40,20", "--activation", "tanh", "--batchnorm",
                "--dropout", "0.2", "--optimizer", "adam", "--lr", "0.002", "--schedule", "cosine", "--weight-decay", "0.0001", "--init", "xavier",
                "--precision", precision, "--out", Dir($"ch6-{i}")));
            Succeeds(CliRunner.RunWith(environments[i], "train", "--steps", "60", "--hidden", "40", "--activation", "leakyrelu",
                "--optimizer", "nesterov", "--lr", "0.01", "--clip-norm", "1", "--precision", precision, "--out", Dir($"leaky-{i}")));
            hashes.Add(ParamsHash(Dir($"ch6-{i}")) + ParamsHash(Dir($"leaky-{i}")));
        }
        Assert.Single(hashes.Distinct());
    }

    [Fact]
    public void An_edited_or_truncated_replay_log_is_refused_naming_the_file()
    {
        Succeeds(CliRunner.Run("train", "--steps", "50", "--hidden", "8", "--out", Dir("run")));
        var log = Path.Combine(Dir("run"), "replay.jsonl");
        var original = File.ReadAllText(log);
        var lines = File.ReadAllLines(log);

        var digit = lines[10].IndexOf("\"loss\":\"0x", StringComparison.Ordinal) + 9 + 16;   // the loss's last hex digit
        var chars = lines[10].ToCharArray();
        chars[digit] = chars[digit] == '0' ? '1' : '0';
        lines[10] = new string(chars);
        File.WriteAllLines(log, lines);
        var edited = CliRunner.Run("replay", Dir("run"));
        Assert.Equal(1, edited.ExitCode);
        Assert.Contains($"{log} line 11: checksum mismatch", edited.Error, StringComparison.Ordinal);

        File.WriteAllText(log, original[..^40]);
        var truncated = CliRunner.Run("replay", Dir("run"));
        Assert.Equal(1, truncated.ExitCode);
        Assert.Contains("truncated", truncated.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_verifies_a_recorded_run_and_stops_early_with_until()
    {
        Succeeds(CliRunner.Run("train", "--steps", "60", "--hidden", "8", "--log-every", "7", "--out", Dir("run")));
        var full = CliRunner.Run("replay", Dir("run"));
        Succeeds(full);
        Assert.Contains("replayed 60 steps; all 9 recorded steps match bit for bit", full.Output, StringComparison.Ordinal);   // 7, 14, …, 56 and 60
        var early = CliRunner.Run("replay", Dir("run"), "--until", "21");
        Succeeds(early);
        Assert.Contains("replayed 21 steps; all 3 recorded steps match", early.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_on_other_data_is_refused_before_any_step()
    {
        Succeeds(CliRunner.Run("train", "--steps", "5", "--hidden", "8", "--out", Dir("run")));
        var data = Dir("data");
        Directory.CreateDirectory(data);
        foreach (var name in Functional.Facade.Data.Mnist.FileNames)
        {
            File.Copy(Path.Combine(Data.MnistTests.RepositoryData(), name + ".gz"), Path.Combine(data, name + ".gz"));
        }
        // The same files but for one test label, changed from 0 to 1: a valid data set, but not the recorded one.
        var labels = Path.Combine(data, "t10k-labels-idx1-ubyte");
        using (var gzip = new System.IO.Compression.GZipStream(File.OpenRead(labels + ".gz"), System.IO.Compression.CompressionMode.Decompress))
        using (var raw = new MemoryStream())
        {
            gzip.CopyTo(raw);
            var bytes = raw.ToArray();
            bytes[8] = 1;
            File.WriteAllBytes(labels, bytes);
        }
        File.Delete(labels + ".gz");
        var result = CliRunner.Run("replay", Dir("run"), "--data", data);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("refusing to replay on other data", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("step", result.Output.Split('\n').Skip(1).FirstOrDefault() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_refuses_extra_settings_and_finished_runs()
    {
        Succeeds(CliRunner.Run("train", "--steps", "5", "--hidden", "8", "--out", Dir("run")));
        var finished = CliRunner.Run("train", "--resume", Dir("run"));
        Assert.Contains("finished run", finished.Error, StringComparison.Ordinal);
        var extra = CliRunner.Run("train", "--resume", Dir("run"), "--steps", "9");
        Assert.Contains("drop --steps", extra.Error, StringComparison.Ordinal);
    }
}
