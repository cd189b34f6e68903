using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Facade.IO;

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data — readable from PyTorch, JAX and NumPy. Tensors are
/// written as F64 in key order; F64, F32, F16 and BF16 are read. String metadata goes under "__metadata__".
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>Encodes parameters and metadata as safetensors bytes.</summary>
    public static byte[] Encode(ParamTree<double> parameters, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                meta[key] = value;
            }
            header["__metadata__"] = meta;
        }
        long offset = 0;
        foreach (var (key, tensor) in parameters.Leaves)
        {
            var end = offset + (8L * tensor.Length);
            header[key] = new JsonObject
            {
                ["dtype"] = "F64",
                ["shape"] = new JsonArray([.. tensor.Shape.Dims.Select(d => (JsonNode)d)]),
                ["data_offsets"] = new JsonArray(offset, end),
            };
            offset = end;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;   // align the data to 8 bytes, padding the header with spaces
        var bytes = new byte[8 + padded + offset];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, padded);
        json.CopyTo(bytes, 8);
        bytes.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        var position = 8 + padded;
        foreach (var tensor in parameters.Leaves.Values)
        {
            foreach (var v in tensor.Span)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(position), v);
                position += 8;
            }
        }
        return bytes;
    }

    /// <summary>
    /// Decodes safetensors bytes holding F64, F32, F16 or BF16 tensors. The header is checked before any tensor is
    /// allocated: its length, the dtypes, shapes and byte ranges (inside the data, matching the shape, not
    /// overlapping, covering it). F64 tensors are read as they are; F32 tensors are widened exactly to float64; F16 and BF16 values are widened exactly to float64.
    /// Non-finite values are read as they are: see <see cref="RequireFinite"/>.
    /// </summary>
    /// <param name="bytes">The file's bytes.</param>
    /// <param name="source">Names the file in error messages.</param>
    /// <exception cref="InvalidDataException">The bytes are not a valid safetensors file of those dtypes; the message names the source and what is wrong.</exception>
    public static (ParamTree<double> Parameters, IReadOnlyDictionary<string, string> Metadata) Decode(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < 8)
        {
            throw new InvalidDataException($"{source}: not a safetensors file: {bytes.Length} bytes, shorter than the 8-byte header length.");
        }
        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        if (headerLength < 2 || headerLength > MaxHeaderBytes || headerLength > bytes.Length - 8)
        {
            throw new InvalidDataException($"{source}: header length {headerLength} does not fit a file of {bytes.Length} bytes (at most {Math.Min(MaxHeaderBytes, bytes.Length - 8)}).");
        }
        var header = ParseHeader(bytes.Slice(8, (int)headerLength), source);
        var data = bytes[(8 + (int)headerLength)..];
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<Entry>();
        foreach (var (key, node) in header)
        {
            if (key == MetadataKey)
            {
                foreach (var (mk, mv) in node as JsonObject ?? throw Bad(source, key, "__metadata__ must be an object"))
                {
                    metadata[mk] = mv?.GetValueKind() == JsonValueKind.String ? mv.GetValue<string>() : throw Bad(source, key, $"metadata '{mk}' must be a string");
                }
                continue;
            }
            entries.Add(ReadEntry(source, key, node, data.Length));
        }
        // By range, then by name, so the tensor an error names does not depend on the sort's tie-breaking.
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin)
            : a.End != b.End ? a.End.CompareTo(b.End) : string.CompareOrdinal(a.Key, b.Key));
        long expected = 0;
        foreach (var entry in entries)
        {
            if (entry.Begin != expected)
            {
                throw Bad(source, entry.Key, entry.Begin < expected
                    ? $"its bytes [{entry.Begin}, {entry.End}) overlap another tensor's (which end at {expected})"
                    : $"a gap of {entry.Begin - expected} bytes before byte {entry.Begin}");
            }
            expected = entry.End;
        }
        if (expected != data.Length)
        {
            throw new InvalidDataException($"{source}: the tensors cover {expected} bytes of data, but the file holds {data.Length}.");
        }
        var leaves = new List<KeyValuePair<string, Tensor<double>>>(entries.Count);
        foreach (var entry in entries)
        {
            leaves.Add(new(entry.Key, Read(entry, data[(int)entry.Begin..(int)entry.End])));
        }
        return (ParamTree<double>.Of(leaves), metadata);
    }

    /// <summary>
    /// Refuses non-finite values: a model or checkpoint holding NaN or ±∞ would evaluate to nonsense ("loss NaN")
    /// rather than fail, so loaders call this unless the caller allows them.
    /// </summary>
    /// <param name="tensors">The tensors read.</param>
    /// <param name="source">Names the file in error messages.</param>
    /// <param name="include">Which tensors to check, by name; all when null.</param>
    /// <exception cref="InvalidDataException">A value is NaN, +∞ or −∞; the message names the file, the tensor, the index and the value.</exception>
    public static void RequireFinite(ParamTree<double> tensors, string source, Func<string, bool>? include = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (var (key, tensor) in tensors.Leaves)
        {
            if (include is not null && !include(key))
            {
                continue;
            }
            var values = tensor.Span;
            for (var i = 0; i < values.Length; i++)
            {
                if (!double.IsFinite(values[i]))
                {
                    var value = double.IsNaN(values[i]) ? "NaN" : values[i] > 0 ? "+∞" : "−∞";
                    throw new InvalidDataException(
                        $"{source}: tensor '{key}' holds a non-finite value: element {i} (of {values.Length}) is {value}; non-finite parameters are refused unless allowed (allowNonFinite, --allow-non-finite).");
                }
            }
        }
    }

    private const string MetadataKey = "__metadata__";

    private const string ReadDtypes = "F64, F32, F16 or BF16";

    private readonly record struct Entry(string Key, string Dtype, int[] Shape, long Begin, long End);

    private static JsonObject ParseHeader(ReadOnlySpan<byte> json, string source)
    {
        // Duplicate names are refused, not "the last one wins": two tensors of one name cannot both be loaded.
        var node = StrictJson.Parse(json, $"{source}: the header", $"{source}: the header is not valid JSON");
        return node as JsonObject
            ?? throw new InvalidDataException($"{source}: the header is not a JSON object (it is {(node is null ? "null" : node.GetValueKind().ToString())}).");
    }

    private static int SizeOf(string dtype) => dtype switch
    {
        "F64" => 8,
        "F32" => 4,
        "F16" or "BF16" => 2,
        _ => 0,
    };

    private static Tensor<double> Read(Entry entry, ReadOnlySpan<byte> bytes)
    {
        switch (entry.Dtype)
        {
            case "F32":
                // Widened exactly, so a float32 model round-trips (a float32 run rounds them back to the same values).
                ReadOnlySpan<float> singles = BitConverter.IsLittleEndian ? MemoryMarshal.Cast<byte, float>(bytes) : ReadSingles(bytes);
                var widened = new double[singles.Length];
                for (var i = 0; i < widened.Length; i++)
                {
                    widened[i] = singles[i];
                }
                return Tensor.FromArray(widened, [.. entry.Shape]);
            default:
                var size = SizeOf(entry.Dtype);
                var values = new double[bytes.Length / size];
                for (var i = 0; i < values.Length; i++)
                {
                    var at = bytes[(size * i)..];
                    values[i] = entry.Dtype switch
                    {
                        "F64" => BinaryPrimitives.ReadDoubleLittleEndian(at),
                        "F16" => (double)BinaryPrimitives.ReadHalfLittleEndian(at),
                        // BF16 is the top half of a float32: put its bits back there and widen.
                        _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(at) << 16),
                    };
                }
                return Tensor.FromArray(values, entry.Shape);
        }
    }

    private static float[] ReadSingles(ReadOnlySpan<byte> bytes)
    {
        var singles = new float[bytes.Length / 4];
        for (var i = 0; i < singles.Length; i++)
        {
            singles[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
        }
        return singles;
    }

    private static Entry ReadEntry(string source, string key, JsonNode? node, long dataLength)
    {
        if (node is not JsonObject entry)
        {
            throw Bad(source, key, "expected an object with dtype, shape and data_offsets");
        }
        var dtype = entry["dtype"]?.GetValueKind() == JsonValueKind.String ? entry["dtype"]!.GetValue<string>() : null;
        var size = dtype is null ? 0 : SizeOf(dtype);
        if (size == 0)
        {
            throw Bad(source, key, $"dtype {dtype ?? "missing"}; expected {ReadDtypes}");
        }
        if (entry["shape"] is not JsonArray shapeNode || shapeNode.Count > 8)
        {
            throw Bad(source, key, "shape must be an array of at most 8 dimensions");
        }
        var shape = new int[shapeNode.Count];
        long count = 1;
        for (var i = 0; i < shape.Length; i++)
        {
            if (shapeNode[i]?.GetValueKind() != JsonValueKind.Number || !shapeNode[i]!.AsValue().TryGetValue(out int d) || d < 0)
            {
                throw Bad(source, key, $"shape entry {i} must be a non-negative integer, got {shapeNode[i]?.ToJsonString() ?? "null"}");
            }
            shape[i] = d;
            count *= d;   // cannot overflow: count stays at most dataLength (below 2³¹) and d below 2³¹
            if (count > dataLength)
            {
                throw Bad(source, key, $"shape [{string.Join(", ", shape[..(i + 1)])}…] needs more than the file's {dataLength} data bytes");
            }
        }
        if (entry["data_offsets"] is not JsonArray offsets || offsets.Count != 2
            || !TryGetLong(offsets[0], out var begin) || !TryGetLong(offsets[1], out var end))
        {
            throw Bad(source, key, $"data_offsets must be two integers [begin, end], got {entry["data_offsets"]?.ToJsonString() ?? "none"}");
        }
        if (begin < 0 || end < begin || end > dataLength)
        {
            throw Bad(source, key, $"data_offsets [{begin}, {end}) lie outside the {dataLength} data bytes");
        }
        if (end - begin != size * count)
        {
            throw Bad(source, key, $"data_offsets [{begin}, {end}) hold {end - begin} bytes, but shape [{string.Join(", ", shape)}] of dtype {dtype} needs {size * count}");
        }
        return new Entry(key, dtype!, shape, begin, end);
    }

    private static bool TryGetLong(JsonNode? node, out long value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out value);
    }

    private static InvalidDataException Bad(string source, string key, string what) => new($"{source}: tensor '{key}': {what}.");
}
