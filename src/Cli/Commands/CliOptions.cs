using System.CommandLine;
using System.Globalization;
using Functional.Facade.Data;

namespace Functional.Cli.Commands;

/// <summary>Options shared by several commands, and their parsing.</summary>
internal static class CliOptions
{
    public static Option<string?> Data() => new("--data")
    {
        Description = "Directory with the four MNIST files (raw or .gz). Default: the embedded 10,000-digit subset.",
    };

    public static MnistData LoadData(string? directory) =>
        directory is null ? Mnist.LoadEmbedded() : Mnist.LoadDirectory(directory);

    /// <summary>Parses "50" or "100,100" into widths ≥ 1.</summary>
    public static int[] ParseHidden(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var widths = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out widths[i]) || widths[i] < 1)
            {
                throw new ArgumentException($"--hidden: expected positive widths separated by commas (e.g. 50 or 100,100), got '{text}'.");
            }
        }
        return widths;
    }
}
