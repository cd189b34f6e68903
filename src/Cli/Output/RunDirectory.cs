namespace Functional.Cli.Output;

internal static class RunDirectory
{
    /// <summary>
    /// Refuses, before any data is loaded, a run directory that cannot be used: one that already holds files (a new
    /// run never overwrites an old one), a file in its place, a file where one of its parents should be, or a
    /// directory this process cannot write to.
    /// </summary>
    /// <exception cref="ArgumentException">The directory cannot be used; the message names it and says why.</exception>
    public static void RequireFree(string directory)
    {
        if (File.Exists(directory))
        {
            throw new ArgumentException($"--out: {directory} is a file; choose a new run directory.");
        }
        if (Directory.Exists(directory))
        {
            if (Directory.EnumerateFileSystemEntries(directory).Any())
            {
                throw new ArgumentException($"--out: {directory} already exists and is not empty; choose a new run directory.");
            }
            RequireWritable(directory, "--out");
            return;
        }
        // The directory is made later, once the settings are all checked; whoever makes it can write in it, so
        // what matters now is its nearest existing ancestor: a directory this process can write to.
        var ancestor = Path.GetDirectoryName(Path.GetFullPath(directory));
        while (ancestor is not null && !Directory.Exists(ancestor))
        {
            if (File.Exists(ancestor))
            {
                throw new ArgumentException($"--out: cannot create {directory}: {ancestor} is a file, not a directory.");
            }
            ancestor = Path.GetDirectoryName(ancestor);
        }
        if (ancestor is not null)
        {
            RequireWritable(ancestor, $"--out: cannot create {directory}:");
        }
    }

    /// <summary>
    /// Checks that this process can create files in <paramref name="directory"/> by creating and deleting one:
    /// permission bits alone do not say (root ignores them; a read-only mount overrides them).
    /// </summary>
    /// <exception cref="ArgumentException">It cannot; the message starts with <paramref name="what"/> and names the directory.</exception>
    public static void RequireWritable(string directory, string what)
    {
        var probe = Path.Combine(directory, $".functional-write-probe-{Environment.ProcessId}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{what} {directory} cannot be written: {e.Message.TrimEnd('.')}.", e);
        }
    }
}
