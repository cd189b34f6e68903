using System.Text.Json;
using Functional.Facade;

namespace Functional.Unit.Tests.Cli;

/// <summary>`train --net SPEC`: any chain of layers from the command line, and what its run directory supports.</summary>
public sealed class NetCliTests : IDisposable
{
    private const string Spec = "affine:30,tanh,batchnorm,dropout:0.1,affine:10";

    private readonly string _directory = Directory.CreateTempSubdirectory("functional-net-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Dir(string name) => Path.Combine(_directory, name);

    private static JsonElement Json(string run, string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(run, file))).RootElement;

    private static void Succeeds(CliRunner.Result result) => Assert.True(result.ExitCode == 0, result.Output + result.Error);

    private static void FailsWithOneLine(CliRunner.Result result, string start)
    {
        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith($"error: {start}", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void A_net_run_trains_and_its_run_directory_evaluates_and_replays()
    {
        var run = CliRunner.Run("train", "--net", Spec, "--steps", "50", "--out", Dir("run"));
        Succeeds(run);
        Assert.Contains("network  Affine(784→30) Tanh BatchNorm Dropout(0.1) Affine(30→10) SoftmaxWithLoss", run.Output, StringComparison.Ordinal);
        var config = Json(Dir("run"), "config.json");
        Assert.Equal(Spec, config.GetProperty("net").GetString());
        Assert.Equal([784], config.GetProperty("input").EnumerateArray().Select(e => e.GetInt32()));
        var summary = Json(Dir("run"), "summary.json");
        Assert.Equal(50, summary.GetProperty("steps").GetInt32());
        Assert.InRange(summary.GetProperty("test_accuracy").GetDouble(), 0.2, 1.0);   // 10% is chance

        var model = Model.Load(Path.Combine(Dir("run"), "params.safetensors"));
        Assert.Equal(Spec, model.Network.Spec);
        Assert.Equal(["mean1", "var1"], model.State.Keys);

        var evaluate = CliRunner.Run("evaluate", Dir("run"));
        Succeeds(evaluate);
        Assert.Contains($"test accuracy  {summary.GetProperty("test_accuracy").GetDouble():P2},", evaluate.Output, StringComparison.Ordinal);
        Succeeds(CliRunner.Run("replay", Dir("run")));
    }

    [Theory]
    [InlineData("--hidden", "20")]
    [InlineData("--activation", "tanh")]
    [InlineData("--dropout", "0.2")]
    [InlineData("--batchnorm", "true")]
    public void Net_with_a_shorthand_for_its_layers_is_refused_in_one_line_naming_both(string flag, string value)
    {
        var result = CliRunner.Run("train", "--net", Spec, flag, value, "--steps", "5", "--out", Dir("run"));
        FailsWithOneLine(result, "--net gives every layer; ");
        Assert.Contains($"drop {flag}", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Dir("run")));
    }

    [Theory]
    [InlineData("affine:30,foo,affine:10", "train: --net: NetSpec: at character 11 of \"affine:30,foo,affine:10\", token 'foo': unknown layer 'foo'")]
    [InlineData("affine:30,dropout:1.5,affine:10", "train: --net: NetSpec: at character 11 of \"affine:30,dropout:1.5,affine:10\", token 'dropout:1.5': ")]
    [InlineData("residual(affine:784,tanh", "train: --net: NetSpec: at character 1 of \"residual(affine:784,tanh\", token 'residual(affine:784,tanh': expected ')'")]
    [InlineData("affine:30,,affine:10", "train: --net: NetSpec: at character 11 of \"affine:30,,affine:10\", token ',': expected a layer")]
    public void A_bad_spec_gives_one_line_naming_the_token_and_writes_no_run_directory(string spec, string message)
    {
        var result = CliRunner.Run("train", "--net", spec, "--steps", "5", "--out", Dir("run"));
        FailsWithOneLine(result, message);
        Assert.False(Directory.Exists(Dir("run")));
    }

    [Fact]
    public void A_spec_whose_last_layer_is_not_10_wide_says_so()
    {
        var result = CliRunner.Run("train", "--net", "affine:30,tanh,affine:7", "--steps", "5", "--out", Dir("run"));
        FailsWithOneLine(result, "train: --net \"affine:30,tanh,affine:7\" gives 7 scores per sample, but the data has 10 classes; end it with affine:10.");
        Assert.False(Directory.Exists(Dir("run")));
    }

    [Fact]
    public void A_residual_block_that_changes_the_width_is_refused_in_one_line()
    {
        var result = CliRunner.Run("train", "--net", "affine:30,residual(affine:20),affine:10", "--steps", "5", "--out", Dir("run"));
        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith("error: train: --net: Network: layer 2 (residual(affine:20)): the inner layers must keep the shape, [30], to be added to their input, but give [20].",
            result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(Dir("run")));
    }

    [Fact]
    public void Resuming_a_net_run_continues_bit_identically_to_an_uninterrupted_run()
    {
        string[] settings = ["train", "--net", "affine:20,batchnorm,tanh,dropout:0.2,residual(affine:20,leakyrelu:0.1),affine:10", "--steps", "300",
            "--optimizer", "adam", "--lr", "0.002", "--checkpoint-every", "100"];
        Succeeds(CliRunner.Run([.. settings, "--out", Dir("whole")]));
        Succeeds(CliRunner.Run([.. settings, "--out", Dir("run")]));
        // Turn the finished run into one that crashed after step 200.
        File.Delete(Path.Combine(Dir("run"), "summary.json"));
        File.Delete(Path.Combine(Dir("run"), "checkpoints", "step-000000300.safetensors"));

        var resumed = CliRunner.Run("train", "--resume", Dir("run"));
        Succeeds(resumed);
        Assert.Contains("from step 200", resumed.Output, StringComparison.Ordinal);
        Assert.Equal(Json(Dir("whole"), "summary.json").GetProperty("params_sha256").GetString(), Json(Dir("run"), "summary.json").GetProperty("params_sha256").GetString());
        foreach (var file in new[] { "replay.jsonl", "metrics.csv", "params.safetensors" })
        {
            Assert.True(File.ReadAllBytes(Path.Combine(Dir("whole"), file)).SequenceEqual(File.ReadAllBytes(Path.Combine(Dir("run"), file))),
                $"{file} differs between the resumed and the uninterrupted run");
        }
        Succeeds(CliRunner.Run("replay", Dir("run")));
    }

    [Fact]
    public void Train_help_describes_net()
    {
        var help = CliRunner.Run("train", "--help");
        Succeeds(help);
        var line = Assert.Single(help.Output.Split('\n'), l => l.TrimStart().StartsWith("--net", StringComparison.Ordinal));
        foreach (var part in new[] { "--net <SPEC>", "affine:OUTPUTS", "leakyrelu[:ALPHA]", "batchnorm[:MOMENTUM:EPSILON]", "dropout:RATIO", "residual(LAYERS)",
            "affine:100,tanh,batchnorm,dropout:0.2,affine:10", "input width comes from the data", "Replaces --hidden" })
        {
            Assert.Contains(part, line, StringComparison.Ordinal);
        }
    }
}
