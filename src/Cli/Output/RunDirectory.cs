namespace Functional.Cli.Output;

internal static class RunDirectory
{
    /// <summary>Refuses a directory that already holds files, so a new run never overwrites an old one.</summary>
    public static void RequireFree(string directory)
    {
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new ArgumentException($"--out: {directory} already exists and is not empty; choose a new run directory.");
        }
        if (File.Exists(directory))
        {
            throw new ArgumentException($"--out: {directory} is a file; choose a new run directory.");
        }
    }
}
