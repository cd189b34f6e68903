using System.Reflection;
using System.Text.RegularExpressions;

namespace Functional.Cli.Output;

/// <summary>Commands printed for the user to paste: this program, started again the way it was started now.</summary>
internal static partial class ShellCommand
{
    /// <summary>The command that continues the run in <paramref name="runDirectory"/>.</summary>
    public static string Resume(string runDirectory) =>
        $"{Program(Environment.ProcessPath, Assembly.GetEntryAssembly()?.Location, Environment.CurrentDirectory, OperatingSystem.IsWindows())} train --resume {Quote(runDirectory, OperatingSystem.IsWindows())}";

    /// <summary>
    /// How to start this program again: <c>dotnet run --project src/Cli --</c> when it runs from the repository's own
    /// build (what the README shows), <c>dotnet path/functional.dll</c> when the dotnet host runs it, otherwise its
    /// executable.
    /// </summary>
    internal static string Program(string? processPath, string? entryAssembly, string currentDirectory, bool windows)
    {
        var host = processPath is null ? null : Path.GetFileNameWithoutExtension(processPath);
        if (processPath is null || string.Equals(host, "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return $"dotnet {Quote(entryAssembly ?? "functional.dll", windows)}";
        }
        var build = Path.Combine(currentDirectory, "src", "Cli", "bin") + Path.DirectorySeparatorChar;
        if (processPath.StartsWith(build, StringComparison.Ordinal))
        {
            var configuration = processPath[build.Length..].Split(Path.DirectorySeparatorChar)[0];
            return configuration == "Debug" ? "dotnet run --project src/Cli --" : $"dotnet run --project src/Cli -c {Quote(configuration, windows)} --";
        }
        return Quote(processPath, windows);
    }

    /// <summary>
    /// <paramref name="word"/> as one shell word: unchanged when it holds only safe characters, otherwise in single
    /// quotes for POSIX shells (a quote inside becomes '\'') or double quotes on Windows.
    /// </summary>
    internal static string Quote(string word, bool windows)
    {
        // A backslash is a path separator on Windows but an escape in POSIX shells.
        if (word.Length > 0 && SafeWord().IsMatch(word) && (windows || !word.Contains('\\', StringComparison.Ordinal)))
        {
            return word;
        }
        return windows ? $"\"{word.Replace("\"", "\\\"", StringComparison.Ordinal)}\"" : $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";
    }

    [GeneratedRegex(@"^[A-Za-z0-9_@%+=:,./\\-]+$")]
    private static partial Regex SafeWord();
}
