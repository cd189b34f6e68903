using System.Text.Json;
using Functional.Facade.Data;
using Functional.Unit.Tests.Data;

namespace Functional.Unit.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("functional-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Dir(string name) => Path.Combine(_directory, name);

    private static JsonElement Summary(string run) => JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json"))).RootElement;

    [Fact]
    public void Train_writes_a_complete_run_directory_and_repeats_bit_for_bit()
    {
        var first = CliRunner.Run("train", "--steps", "100", "--hidden", "20", "--out", Dir("a"));
        Assert.True(first.ExitCode == 0, first.Error);
        foreach (var file in new[] { "config.json", "metrics.csv", "params.safetensors", "curves.svg", "summary.json" })
        {
            Assert.True(File.Exists(Path.Combine(Dir("a"), file)), $"{file} missing");
        }
        var summary = Summary(Dir("a"));
        Assert.Equal(100, summary.GetProperty("steps").GetInt32());
        Assert.InRange(summary.GetProperty("test_accuracy").GetDouble(), 0.3, 1.0);   // 10% is chance
        // Timing is reported, not judged: only that the field is written.
        Assert.Equal(JsonValueKind.Number, summary.GetProperty("ms_per_step").ValueKind);
        var metrics = File.ReadAllLines(Path.Combine(Dir("a"), "metrics.csv"));
        Assert.Equal(100, metrics.Count(l => l.StartsWith("step,", StringComparison.Ordinal)));
        Assert.Equal(2, metrics.Count(l => l.StartsWith("epoch,", StringComparison.Ordinal)));   // 80 steps, then the last 20
        Assert.Contains("epoch", first.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("warning:", first.Error, StringComparison.Ordinal);   // a healthy loss never sets off the explosion warning

        var second = CliRunner.Run("train", "--steps", "100", "--hidden", "20", "--out", Dir("b"));
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal(summary.GetProperty("params_sha256").GetString(), Summary(Dir("b")).GetProperty("params_sha256").GetString());

        var evaluate = CliRunner.Run("evaluate", Dir("a"));
        Assert.True(evaluate.ExitCode == 0, evaluate.Error);
        Assert.Contains($"test accuracy  {summary.GetProperty("test_accuracy").GetDouble():P2},", evaluate.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--steps", "0", "--steps must be ≥ 1, got 0")]
    [InlineData("--batch-size", "-5", "--batch-size must be ≥ 1, got -5")]
    [InlineData("--lr", "0", "--lr must be a positive finite number, got 0")]
    [InlineData("--hidden", "50,x", "--hidden: expected positive widths")]
    public void A_bad_flag_gives_one_line_naming_it_and_writes_nothing(string flag, string value, string message)
    {
        var result = CliRunner.Run("train", flag, value, "--out", Dir("run"));
        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith($"error: {message}", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(Dir("run")));
    }

    [Theory]
    [InlineData("--dropout 1", "--dropout must be in [0, 1), got 1")]
    [InlineData("--weight-decay -0.1", "--weight-decay must be ≥ 0 and finite, got -0.1")]
    [InlineData("--init uniform", "train: Initializer.Parse: unknown initializer 'uniform'")]
    [InlineData("--schedule linear", "train: ")]
    [InlineData("--clip-norm 0", "--clip-norm must be a positive finite number, got 0")]
    public void A_bad_chapter_6_flag_gives_one_line_naming_it_and_writes_nothing(string flags, string message)
    {
        var result = CliRunner.Run(["train", .. flags.Split(' '), "--out", Dir("run")]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith($"error: {message}", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(Dir("run")));
    }

    [Fact]
    public void Flags_given_with_a_preset_override_its_values()
    {
        var result = CliRunner.Run("train", "--preset", "chapter6", "--steps", "40", "--hidden", "30", "--out", Dir("run"));
        Assert.True(result.ExitCode == 0, result.Error);
        var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir("run"), "config.json"))).RootElement;
        Assert.Equal(40, config.GetProperty("steps").GetInt32());
        Assert.Equal("affine:30,relu,dropout:0.3,affine:10", config.GetProperty("net").GetString());
        Assert.Equal("adam", config.GetProperty("optimizer").GetString());
        Assert.Equal("he", config.GetProperty("init").GetString());
        Assert.Equal("cosine", config.GetProperty("schedule").GetString());
    }

    [Fact]
    public void The_chapter6_preset_reaches_95_5_percent_test_accuracy()
    {
        var result = CliRunner.Run("train", "--preset", "chapter6", "--log-every", "1000", "--out", Dir("run"));
        Assert.True(result.ExitCode == 0, result.Error);
        var summary = Summary(Dir("run"));
        Assert.True(summary.GetProperty("test_accuracy").GetDouble() >= 0.955, $"test accuracy {summary.GetProperty("test_accuracy").GetDouble():P2}");
        // How long it took is bench/'s business: a test that reads a clock fails on a busy machine (tests/under-load.sh).
    }

    [Fact]
    public void A_diverging_run_names_the_step()
    {
        var result = CliRunner.Run("train", "--lr", "1e300", "--steps", "50", "--out", Dir("run"));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Matches("error: training diverged at step [0-9]+", result.Error);
        Assert.False(File.Exists(Path.Combine(Dir("run"), "summary.json")));
    }

    [Fact]
    public void An_existing_run_directory_is_not_overwritten()
    {
        Directory.CreateDirectory(Dir("run"));
        File.WriteAllText(Path.Combine(Dir("run"), "keep.txt"), "mine");
        var result = CliRunner.Run("train", "--steps", "1", "--out", Dir("run"));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not empty", result.Error, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(Dir("run"), "keep.txt")));
    }

    [Theory]
    [InlineData("train-labels-idx1-ubyte", "bad magic")]
    [InlineData("t10k-images-idx3-ubyte", "truncated")]
    public void A_corrupt_data_file_is_named(string file, string problem)
    {
        var data = CopyData();
        var path = Path.Combine(data, file);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, problem == "bad magic" ? [0, 0, 8, 9, .. bytes[4..]] : bytes[..^10]);
        var result = CliRunner.Run("train", "--steps", "1", "--data", data, "--out", Dir("run"));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(path, result.Error, StringComparison.Ordinal);
        Assert.Contains(problem, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_and_labels_of_different_counts_and_a_label_above_9_are_refused()
    {
        var data = CopyData();
        var labels = Path.Combine(data, "train-labels-idx1-ubyte");
        var bytes = File.ReadAllBytes(labels);
        bytes[8 + 5] = 12;
        File.WriteAllBytes(labels, bytes);
        var result = CliRunner.Run("gradcheck", "--data", data);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("label 5 is 12", result.Error, StringComparison.Ordinal);

        File.WriteAllBytes(labels, [.. bytes[..7], (byte)(bytes[7] - 1), .. bytes[8..^1]]);   // one label fewer
        result = CliRunner.Run("gradcheck", "--data", data);
        Assert.Contains("7996 images but 7995 labels", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Gradcheck_prints_the_books_differences()
    {
        var result = CliRunner.Run("gradcheck", "--layers");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Matches("W1:[0-9.]+e-[0-9]+", result.Output);
        Assert.Contains(": ok", result.Output, StringComparison.Ordinal);
        Assert.Equal(11, result.Output.Split('\n').Count(l => l.EndsWith("100 cases passed", StringComparison.Ordinal)));
    }

    /// <summary>A directory of the four files, decompressed, to corrupt.</summary>
    private string CopyData()
    {
        var data = Dir("data");
        Directory.CreateDirectory(data);
        foreach (var name in Mnist.FileNames)
        {
            using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(MnistTests.RepositoryData(), name + ".gz")),
                System.IO.Compression.CompressionMode.Decompress);
            using var raw = File.Create(Path.Combine(data, name));
            gzip.CopyTo(raw);
        }
        return data;
    }
}
