using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Functional.Facade.IO;

/// <summary>Checks that bytes read from a file are UTF-8 before a JSON parser sees them.</summary>
internal static class Utf8Check
{
    /// <summary>The offset of the first byte that is not part of valid UTF-8, or -1 when all are.</summary>
    public static int FirstInvalid(ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length;)
        {
            if (Rune.DecodeFromUtf8(bytes[i..], out _, out var consumed) != OperationStatus.Done)
            {
                return i;
            }
            i += consumed;
        }
        return -1;
    }

    /// <summary>Refuses bytes that are not UTF-8, naming <paramref name="what"/> and the offset of the first bad byte.</summary>
    /// <exception cref="InvalidDataException">A byte is not part of valid UTF-8.</exception>
    public static void Require(ReadOnlySpan<byte> bytes, string what)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return;
        }
        var at = FirstInvalid(bytes);
        throw new InvalidDataException($"{what} is not UTF-8 text: byte {at} (0x{bytes[at]:X2}) does not begin a valid sequence.");
    }

    /// <summary>
    /// Reads every name and string in <paramref name="node"/> once, so that one holding an escaped lone surrogate
    /// (<c>"\uD800"</c>, valid JSON but no valid string) is refused here rather than throwing
    /// InvalidOperationException wherever it is first read.
    /// </summary>
    /// <exception cref="InvalidDataException">A name or string is not valid Unicode; the message starts with <paramref name="what"/>.</exception>
    public static void RequireValidStrings(JsonNode? node, string what)
    {
        try
        {
            Walk(node);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"{what}: a name or string is not valid Unicode ({e.Message}).", e);
        }
    }

    private static void Walk(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o)
                {
                    Walk(child);
                }
                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Walk(child);
                }
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                _ = v.GetValue<string>();
                break;
        }
    }
}
