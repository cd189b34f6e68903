using System.Diagnostics;
using System.Globalization;
using Functional.Unit.Tests.Cli;
using Functional.Unit.Tests.Data;

namespace Functional.Unit.Tests.Samples;

/// <summary>
/// Tests that build a project in Release: one at a time, since two builds of Functional.Facade in one configuration
/// would write the same obj/Release files.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReleaseBuilds
{
    public const string Name = "Release builds";
}

[Collection(ReleaseBuilds.Name)]
public sealed class CustomLayerSampleTests
{
    [Fact]
    public void The_custom_layer_sample_verifies_trains_reloads_and_replays_its_swish_layer()
    {
        var root = Path.GetFullPath(Path.Combine(MnistTests.RepositoryData(), "..", ".."));
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "run", "--project", Path.Combine("samples", "CustomLayer"), "-c", "Release" })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var result = CliRunner.Finish(process, "dotnet run --project samples/CustomLayer -c Release");

        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}\n{result.Output}\n{result.Error}");
        var lines = result.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        string Line(string prefix) => lines.SingleOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no line starting '{prefix}' in:\n{result.Output}");

        Assert.Equal("verified: Swish's dx and dbeta match finite differences on 100 cases", Line("verified:"));
        Assert.Equal("network: Affine(784→64) swish Affine(64→10) SoftmaxWithLoss", Line("network:"));
        Assert.Contains("swish1.beta [64]", Line("parameters:"), StringComparison.Ordinal);
        var accuracy = double.Parse(Line("test accuracy:").Split(' ')[2], CultureInfo.InvariantCulture);
        Assert.InRange(accuracy, 0.5, 1.0);   // 0.1 is chance
        Assert.StartsWith("beta trained: from 1 to [", Line("beta trained:"), StringComparison.Ordinal);
        var refusal = Line("without the registry:");
        Assert.Contains("swish.safetensors", refusal, StringComparison.Ordinal);
        Assert.Contains("unknown layer 'swish'", refusal, StringComparison.Ordinal);
        Assert.Equal("reloaded identical: 2004 test predictions and every parameter bit for bit", Line("reloaded identical:"));
        Assert.Equal("recorded run identical: it ends at the trainer's parameters bit for bit", Line("recorded run identical:"));
        Assert.Equal("replay verified: 30 records over 300 steps, bit for bit", Line("replay verified:"));
        Assert.Equal("all checks passed", lines.Last(l => l.Length > 0));
        Assert.DoesNotContain(lines, l => l.StartsWith("FAILED", StringComparison.Ordinal));
    }
}
