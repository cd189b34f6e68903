using System.Globalization;
using System.Xml.Linq;

namespace Functional.Unit.Tests.Cli;

public sealed class CompareCommandTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly string[] Small = ["--steps", "60", "--hidden", "20,20", "--batch-size", "32"];
    private static readonly string[] Defaults = ["sgd", "momentum", "adagrad", "adam"];

    private readonly string _directory = Directory.CreateTempSubdirectory("functional-compare-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Dir(string name) => Path.Combine(_directory, name);

    private static CliRunner.Result Compare(params string[] args) => CliRunner.Run(["compare-optimizers", .. args]);

    [Fact]
    public void Compare_writes_the_chart_and_the_losses_and_repeats_byte_for_byte()
    {
        var first = Compare([.. Small, "--out", Dir("a")]);
        Assert.True(first.ExitCode == 0, first.Error);

        var csv = File.ReadAllLines(Path.Combine(Dir("a"), "optimizers.csv"));
        Assert.Equal(61, csv.Length);
        Assert.Equal("step,sgd,momentum,adagrad,adam", csv[0]);
        for (var i = 1; i < csv.Length; i++)
        {
            var cells = csv[i].Split(',');
            Assert.Equal(5, cells.Length);
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), cells[0]);
            Assert.All(cells.Skip(1), c => Assert.True(double.Parse(c, CultureInfo.InvariantCulture) > 0, c));
        }
        // Step 1's loss is taken before the first update: the same weights on the same batch give the same bits.
        Assert.Single(csv[1].Split(',').Skip(1).Distinct());

        var doc = XDocument.Parse(File.ReadAllText(Path.Combine(Dir("a"), "optimizers.svg")));
        var lines = doc.Descendants(Svg + "polyline").ToArray();
        Assert.Equal(Defaults, lines.Select(l => (string)l.Attribute("data-series")!));
        Assert.All(lines, l => Assert.Equal(60, ((string)l.Attribute("points")!).Split(' ').Length));
        var legend = doc.Descendants(Svg + "g").Single(g => g.Attribute("data-legend") is not null);
        Assert.Equal(Defaults, legend.Elements(Svg + "text").Select(t => t.Value));

        foreach (var name in Defaults)
        {
            Assert.Contains(
                first.Output.Split('\n'), l => l.StartsWith(name + " ", StringComparison.Ordinal) && l.Contains('%', StringComparison.Ordinal));
        }
        Assert.Contains("adam        0.001", first.Output, StringComparison.Ordinal);

        var second = Compare([.. Small, "--out", Dir("b")]);
        Assert.True(second.ExitCode == 0, second.Error);
        foreach (var file in new[] { "optimizers.csv", "optimizers.svg" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(Dir("a"), file)), File.ReadAllBytes(Path.Combine(Dir("b"), file)));
        }
        Assert.Equal(first.Output.Replace(Dir("a"), "", StringComparison.Ordinal), second.Output.Replace(Dir("b"), "", StringComparison.Ordinal));
    }

    [Fact]
    public void The_optimizers_are_taken_in_the_order_given()
    {
        var result = Compare("--steps", "12", "--hidden", "8", "--batch-size", "16", "--optimizers", "adam, nesterov,rmsprop", "--out", Dir("run"));
        Assert.True(result.ExitCode == 0, result.Error);

        var csv = File.ReadAllLines(Path.Combine(Dir("run"), "optimizers.csv"));
        Assert.Equal(13, csv.Length);
        Assert.Equal("step,adam,nesterov,rmsprop", csv[0]);
        var doc = XDocument.Parse(File.ReadAllText(Path.Combine(Dir("run"), "optimizers.svg")));
        Assert.Equal(["adam", "nesterov", "rmsprop"], doc.Descendants(Svg + "polyline").Select(l => (string)l.Attribute("data-series")!));
    }

    [Theory]
    [InlineData("--optimizers", "sgd,adamw", "--optimizers: unknown optimizer 'adamw'; expected names from sgd, momentum, nesterov, adagrad, rmsprop, adam")]
    [InlineData("--optimizers", "sgd,,adam", "--optimizers: unknown optimizer ''")]
    [InlineData("--optimizers", "adam,sgd,adam", "--optimizers: 'adam' is listed twice")]
    [InlineData("--steps", "0", "--steps must be ≥ 1, got 0")]
    [InlineData("--batch-size", "-1", "--batch-size must be ≥ 1, got -1")]
    [InlineData("--hidden", "20,x", "--hidden: expected positive widths")]
    public void A_bad_flag_gives_one_line_naming_it_and_writes_nothing(string flag, string value, string message)
    {
        var result = Compare(flag, value, "--out", Dir("run"));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: {message}", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd().Split('\n'));
        Assert.Equal("", result.Output);
        Assert.False(Directory.Exists(Dir("run")));
    }

    [Fact]
    public void An_existing_output_directory_is_not_overwritten()
    {
        Directory.CreateDirectory(Dir("run"));
        File.WriteAllText(Path.Combine(Dir("run"), "keep.txt"), "mine");

        var result = Compare([.. Small, "--out", Dir("run")]);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"error: --out: {Dir("run")} already exists and is not empty", result.Error, StringComparison.Ordinal);
        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(Dir("run")).Select(Path.GetFileName));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(Dir("run"), "keep.txt")));
    }
}
