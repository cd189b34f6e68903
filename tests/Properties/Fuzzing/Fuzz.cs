using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace Functional.Properties.Tests.Fuzzing;

/// <summary>A change made to a valid file's bytes, printable so a failing case says what was done.</summary>
/// <param name="Name">What was done, e.g. "flip byte 12 by 0x40".</param>
/// <param name="Apply">Makes the corrupted bytes from the valid ones.</param>
internal sealed record Corruption(string Name, Func<byte[], byte[]> Apply)
{
    public override string ToString() => Name;
}

/// <summary>Generators of corruptions, and the check every loader must pass on a corrupted file.</summary>
internal static class Fuzz
{
    /// <summary>
    /// How much a load may allocate: 8 bytes per byte of the file plus 1 MiB. A loader holds the file (1×), the
    /// values it decodes (1× for F64; at most 4× for 2-byte dtypes widened to float64) and a copy a checksum or a
    /// tensor factory makes (1×); 8× leaves room above that. The 1 MiB covers what does not grow with the file: the
    /// JSON DOM of a small header, the error message, the runtime's first-use costs. A header that claims a huge
    /// tensor and gets it allocated breaks this bound by orders of magnitude.
    /// </summary>
    public static long AllocationBound(long fileLength) => (8 * fileLength) + (1 << 20);

    /// <summary>A fresh temporary directory for one property's files.</summary>
    public static string TempDirectory(string name) => Directory.CreateTempSubdirectory($"functional-fuzz-{name}-").FullName;

    /// <summary>
    /// Runs <paramref name="load"/> on a file of <paramref name="fileLength"/> bytes:
    /// either it returns (true), or it throws InvalidDataException, ArgumentException or FileNotFoundException whose
    /// message names <paramref name="named"/> and says what is wrong (false). Anything else — another exception
    /// type, a message without the file, an allocation above <see cref="AllocationBound"/> — fails the property.
    /// </summary>
    public static bool LoadsOrRefuses(Action load, string named, long fileLength, string what)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        Exception? error = null;
        try
        {
            load();
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or FileNotFoundException)
        {
            error = e;
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"{what}: {e.GetType().Name} escaped the loader: {e.Message}", e);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (allocated > AllocationBound(fileLength))
        {
            throw new InvalidOperationException($"{what}: the load allocated {allocated} bytes for a file of {fileLength} (bound {AllocationBound(fileLength)}).");
        }
        if (error is null)
        {
            return true;
        }
        if (!error.Message.Contains(named, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{what}: the {error.GetType().Name} does not name {named}: {error.Message}", error);
        }
        var said = error.Message.Replace(named, "", StringComparison.Ordinal).Trim(' ', ':', '.');
        if (said.Length < 8)
        {
            throw new InvalidOperationException($"{what}: the {error.GetType().Name} does not say what is wrong: {error.Message}", error);
        }
        return false;
    }

    /// <summary>Truncation to a length in [0, length).</summary>
    public static Gen<Corruption> Truncate(int length) =>
        Gen.Int[0, length - 1].Select(n => new Corruption($"truncate to {n} bytes", b => b[..n]));

    /// <summary>One to four bytes in [from, to) XOR-ed with non-zero masks.</summary>
    public static Gen<Corruption> Flips(int from, int to) =>
        Gen.Select(Gen.Int[from, to - 1], Gen.Int[1, 255]).Array[1, 4].Select(flips => new Corruption(
            "flip " + string.Join(", ", flips.Select(f => $"byte {f.Item1} ^ 0x{f.Item2:X2}")),
            b =>
            {
                var c = (byte[])b.Clone();
                foreach (var (at, mask) in flips)
                {
                    c[at] ^= (byte)mask;
                }
                return c;
            }));

    /// <summary>A run of 1..16 arbitrary bytes written over [from, to), or inserted there.</summary>
    public static Gen<Corruption> Splice(int from, int to) =>
        Gen.Select(Gen.Int[from, to - 1], Gen.Byte.Array[1, 16], Gen.Bool).Select((at, bytes, insert) => new Corruption(
            $"{(insert ? "insert" : "overwrite")} [{string.Join(" ", bytes.Select(x => x.ToString("X2")))}] at {at}",
            b => insert ? [.. b[..at], .. bytes, .. b[at..]] : [.. b[..at], .. bytes.Take(b.Length - at), .. b[Math.Min(b.Length, at + bytes.Length)..]]));

    /// <summary>A JSON value of a kind a field should not hold (or of the right kind with a hostile value).</summary>
    public static Gen<string> WrongJson { get; } = Gen.OneOf(
        "null", "0", "-1", "1.5", "1e400", "-1e400", "9223372036854775808", "18446744073709551616", "\"\"", "\"x\"", "\"1\"",
        "true", "[]", "[1]", "[null]", "[\"a\"]", "{}", "{\"a\":1}", Nested(200), "\"\\uD800\"");

    /// <summary>Stands for a lone-surrogate string in a DOM, which System.Text.Json cannot write; <see cref="Render"/> puts it in.</summary>
    public const string LoneSurrogate = "@@lone-surrogate@@";

    /// <summary>The DOM of one of <see cref="WrongJson"/>'s texts (a lone surrogate as <see cref="LoneSurrogate"/>).</summary>
    public static JsonNode? Node(string json) => json == "\"\\uD800\"" ? JsonValue.Create(LoneSurrogate) : JsonNode.Parse(json, documentOptions: new() { MaxDepth = 1_000 });

    /// <summary>The JSON text of a DOM built with <see cref="Node"/>.</summary>
    public static string Render(JsonNode node) => node.ToJsonString().Replace(LoneSurrogate, "\\uD800", StringComparison.Ordinal);

    /// <summary>A JSON array nested <paramref name="depth"/> levels deep.</summary>
    public static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    /// <summary>Bytes that are not UTF-8: a lone continuation byte, an overlong form, a surrogate, a truncated sequence.</summary>
    public static Gen<byte[]> InvalidUtf8 { get; } = Gen.OneOf<byte[]>([0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xFF], [0xF8, 0x88, 0x80, 0x80, 0x80]);

    /// <summary>Replaces the first occurrence of <paramref name="find"/> in UTF-8 <paramref name="bytes"/>.</summary>
    public static byte[] ReplaceFirst(byte[] bytes, string find, byte[] with)
    {
        var needle = Encoding.UTF8.GetBytes(find);
        var at = bytes.AsSpan().IndexOf(needle);
        return at < 0 ? bytes : [.. bytes[..at], .. with, .. bytes[(at + needle.Length)..]];
    }
}
