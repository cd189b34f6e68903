using System.Text.Json;
using System.Text.Json.Nodes;

namespace Functional.Facade.IO;

/// <summary>
/// Parses JSON read from a file strictly, for every loader alike: a name given twice is an error (two values for one
/// field cannot both be meant), and so is a string that is no valid Unicode; every failure is an
/// <see cref="InvalidDataException"/> that names where the JSON came from.
/// </summary>
internal static class StrictJson
{
    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false };

    /// <summary>Parses UTF-8 bytes, refusing first any byte that is not UTF-8.</summary>
    /// <param name="utf8">The JSON text.</param>
    /// <param name="where">Names the text in messages, e.g. "file: the header".</param>
    /// <param name="invalid">The message's start when the text is not JSON; the parser's reason follows in brackets.</param>
    /// <exception cref="InvalidDataException">The bytes are not UTF-8, not JSON, repeat a name or hold an invalid string.</exception>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8, string where, string invalid)
    {
        // Checked first: the parser checks UTF-8 only as it reads, and a bad name would surface later as an
        // InvalidOperationException from deep inside the JSON objects.
        Utf8Check.Require(utf8, where);
        try
        {
            var node = JsonNode.Parse(utf8, documentOptions: Options);
            Utf8Check.RequireValidStrings(node, where);
            return node;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)   // the latter: a name with a lone surrogate, met checking for duplicates
        {
            throw new InvalidDataException($"{invalid} ({e.Message}).", e);
        }
    }

    /// <summary>Parses text already decoded.</summary>
    /// <inheritdoc cref="Parse(ReadOnlySpan{byte}, string, string)"/>
    public static JsonNode? Parse(string text, string where, string invalid)
    {
        try
        {
            var node = JsonNode.Parse(text, documentOptions: Options);
            Utf8Check.RequireValidStrings(node, where);
            return node;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"{invalid} ({e.Message}).", e);
        }
    }
}
