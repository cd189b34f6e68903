using System.Text.Json;
using Functional.Facade.Naming;
using Functional.Optimizers;
using Functional.Unit.Tests.Cli;

namespace Functional.Unit.Tests.Optimizers;

public sealed class TransformNamesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("functional-transform-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Dir(string name) => Path.Combine(_directory, name);

    [Fact]
    public void Parse_reads_links_in_order_and_spec_reads_back()
    {
        var chain = TransformNames.Parse("clip:1, decay:1e-4,adam");
        Assert.Equal(Chain.Of(new ClipByGlobalNorm(1), new AddDecayedWeights(1e-4), new Adam()), chain);
        Assert.Equal("clip:1,decay:0.0001,adam", chain.Spec);
        Assert.Equal(chain, TransformNames.Parse(chain.Spec));
        Assert.Equal(Chain.Of(new Nesterov()), TransformNames.Parse("nesterov"));
    }

    [Theory]
    [InlineData("clip:1,adamw", "unknown link 'adamw'")]
    [InlineData("", "unknown link ''")]
    [InlineData("clip", "unknown link 'clip'")]
    [InlineData("decay:-1,sgd", "cannot make link 'decay:-1'", "Lambda must be ≥ 0 and finite")]
    [InlineData("clip:0,sgd", "cannot make link 'clip:0'", "MaxNorm must be positive and finite")]
    public void Parse_refuses_a_bad_link_naming_it_and_the_spec(string spec, params string[] parts)
    {
        var error = Assert.Throws<ArgumentException>(() => TransformNames.Parse(spec));
        Messages.Names(error, ["Transform.Parse", $"'{spec}'", .. parts]);
    }

    [Fact]
    public void Train_with_a_transform_in_the_default_order_equals_the_flags_and_replays()
    {
        var chain = CliRunner.Run("train", "--steps", "20", "--hidden", "10", "--lr", "0.01", "--transform", "decay:1e-3,clip:1,adam", "--out", Dir("chain"));
        Assert.True(chain.ExitCode == 0, chain.Error);
        Assert.Contains("update decay:0.001,clip:1,adam", chain.Output, StringComparison.Ordinal);
        var flags = CliRunner.Run("train", "--steps", "20", "--hidden", "10", "--lr", "0.01", "--optimizer", "adam", "--weight-decay", "1e-3", "--clip-norm", "1", "--out", Dir("flags"));
        Assert.True(flags.ExitCode == 0, flags.Error);
        Assert.Equal(ParamsHash(Dir("flags")), ParamsHash(Dir("chain")));
        var replay = CliRunner.Run("replay", Dir("chain"));
        Assert.True(replay.ExitCode == 0, replay.Error + replay.Output);

        var both = CliRunner.Run("train", "--steps", "5", "--transform", "adam", "--optimizer", "adam", "--out", Dir("both"));
        Assert.NotEqual(0, both.ExitCode);
        Assert.Contains("--transform gives the whole update; drop --optimizer", both.Error, StringComparison.Ordinal);
    }

    private static string? ParamsHash(string run) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json"))).RootElement.GetProperty("params_sha256").GetString();
}
