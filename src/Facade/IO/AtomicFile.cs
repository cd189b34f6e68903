using System.Text;

namespace Functional.Facade.IO;

/// <summary>
/// Writes a file so that readers see either the old file or the whole new one: the bytes go to a temporary file in
/// the same directory, are flushed to disk, and the temporary file is then renamed over the target. When the write
/// fails (a full disk, say), the temporary file is deleted and the old file, if any, is left as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="bytes"/>.</summary>
    /// <exception cref="IOException">The file could not be written; the message names it, and the old file is unchanged.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory may not be written; the message names the file.</exception>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes) => WriteAllBytes(path, bytes, OpenTemporary);

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="text"/> in UTF-8 (no byte-order mark).</summary>
    /// <exception cref="IOException">The file could not be written; the message names it, and the old file is unchanged.</exception>
    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));

    /// <summary>The temporary file <paramref name="path"/> is written through before the rename, by this thread.</summary>
    /// <remarks>
    /// One per process and thread: two threads writing the same path at once must not share one (the second could not
    /// open it, and its clean-up would delete the first's before the rename).
    /// </remarks>
    internal static string TemporaryOf(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!,
            $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp");
    }

    /// <summary>
    /// The seam for tests: <paramref name="open"/> creates the stream of the temporary file (whose path it is given),
    /// so a test can make the disk "fill up" part way through; null opens the real file.
    /// </summary>
    internal static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, Func<string, Stream>? open)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        open ??= OpenTemporary;
        var full = Path.GetFullPath(path);
        var temporary = TemporaryOf(full);
        try
        {
            using (var stream = open(temporary))
            {
                stream.Write(bytes);
                if (stream is FileStream file)
                {
                    file.Flush(flushToDisk: true);
                }
                else
                {
                    stream.Flush();
                }
            }
            File.Move(temporary, full, overwrite: true);
        }
        // The system's message names the temporary file; the caller knows the file by its own name.
        catch (IOException e)
        {
            DeleteQuietly(temporary);
            throw new IOException(FailureMessage(full, e), e);
        }
        catch (UnauthorizedAccessException e)
        {
            DeleteQuietly(temporary);
            throw new UnauthorizedAccessException(FailureMessage(full, e), e);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }
    }

    private static string FailureMessage(string path, Exception e) => $"writing {path} failed; the previous file, if any, is unchanged: {e.Message}";

    private static FileStream OpenTemporary(string temporary) => new(temporary, FileMode.Create, FileAccess.Write, FileShare.None);

    /// <summary>Removes a half-written temporary file without hiding the failure that left it.</summary>
    private static void DeleteQuietly(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure is the one to report; a leftover .tmp file is ignored by every reader.
        }
    }
}
