using System.Diagnostics;
using System.IO.Compression;
using Functional.Unit.Tests.Data;

namespace Functional.Unit.Tests.Packaging;

[Collection(Samples.ReleaseBuilds.Name)]
public sealed class PackageTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("functional-pack-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Theory]
    [InlineData("Pure", "Functional.Pure")]
    [InlineData("Facade", "Functional.Facade")]
    public async Task Pack_produces_a_package_with_readme_licence_docs_and_symbols(string project, string id)
    {
        var root = Path.GetFullPath(Path.Combine(MnistTests.RepositoryData(), "..", ".."));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "pack", Path.Combine(root, "src", project), "-c", "Release", "-o", _output })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var log = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        // Only a guard against a hung pack (the same generous limit as the CLI tests), never a judgement of speed.
        using var timeout = new CancellationTokenSource(Cli.CliRunner.HangTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet pack {project} did not end within {Cli.CliRunner.HangTimeout.TotalMinutes} minutes.");
        }
        Assert.True(process.ExitCode == 0, await log + await errors);

        var package = Directory.GetFiles(_output, $"{id}.*.nupkg").Single(p => !p.EndsWith(".snupkg", StringComparison.Ordinal));
        Assert.Single(Directory.GetFiles(_output, $"{id}.*.snupkg"));
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("README.md", entries);
        Assert.Contains("LICENSE", entries);
        Assert.Contains($"lib/net10.0/{id}.dll", entries);
        Assert.Contains($"lib/net10.0/{id}.xml", entries);
        using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var text = nuspec.ReadToEnd();
        Assert.Contains("<license type=\"expression\">MIT</license>", text, StringComparison.Ordinal);
        Assert.Contains("<readme>README.md</readme>", text, StringComparison.Ordinal);
        Assert.Contains("<description>", text, StringComparison.Ordinal);
    }
}
