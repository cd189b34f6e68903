using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Functional.Networks;
using Functional.Tensors;

namespace Functional.Facade.IO;

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data — readable from PyTorch, JAX and NumPy. Tensors are
/// written as F64 in key order; string metadata goes under "__metadata__".
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100_000_000;

    /// <summary>Encodes parameters and metadata as safetensors bytes.</summary>
    public static byte[] Encode(ParamTree parameters, IReadOnlyDictionary<string, string>? metadata = null)
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
    /// Decodes safetensors bytes holding F64 tensors. The header is checked before any tensor is allocated: its
    /// length, the dtypes, shapes and byte ranges (inside the data, matching the shape, not overlapping, covering it).
    /// </summary>
    /// <param name="bytes">The file's bytes.</param>
    /// <param name="source">Names the file in error messages.</param>
    /// <exception cref="InvalidDataException">The bytes are not a valid safetensors file of F64 tensors.</exception>
    public static (ParamTree Parameters, IReadOnlyDictionary<string, string> Metadata) Decode(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < 8)
        {
            throw new InvalidDataException($"{source}: not a safetensors file: {bytes.Length} bytes, shorter than the 8-byte header length.");
        }
        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        if (headerLength < 2 || headerLength > MaxHeaderBytes || headerLength > bytes.Length - 8)
        {
            throw new InvalidDataException($"{source}: header length {headerLength} does not fit a file of {bytes.Length} bytes.");
        }
        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.Slice(8, (int)headerLength)) as JsonObject
                ?? throw new InvalidDataException($"{source}: the header is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the header is not valid JSON ({e.Message}).", e);
        }
        var data = bytes[(8 + (int)headerLength)..];
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<(string Key, int[] Shape, long Begin, long End)>();
        foreach (var (key, node) in header)
        {
            if (key == "__metadata__")
            {
                foreach (var (mk, mv) in node as JsonObject ?? throw Bad(source, key, "__metadata__ must be an object"))
                {
                    metadata[mk] = mv?.GetValueKind() == JsonValueKind.String ? mv.GetValue<string>() : throw Bad(source, key, $"metadata '{mk}' must be a string");
                }
                continue;
            }
            entries.Add(ReadEntry(source, key, node, data.Length));
        }
        entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        long expected = 0;
        foreach (var (key, _, begin, end) in entries)
        {
            if (begin != expected)
            {
                throw Bad(source, key, begin < expected ? $"its bytes [{begin}, {end}) overlap another tensor's" : $"a gap before byte {begin}");
            }
            expected = end;
        }
        if (expected != data.Length)
        {
            throw new InvalidDataException($"{source}: the tensors cover {expected} bytes of data, but the file holds {data.Length}.");
        }
        var leaves = new List<KeyValuePair<string, Tensor>>();
        foreach (var (key, shape, begin, end) in entries)
        {
            var values = new double[(end - begin) / 8];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadDoubleLittleEndian(data[(int)(begin + (8 * i))..]);
            }
            leaves.Add(new(key, Tensor.FromArray(values, shape)));
        }
        return (ParamTree.Of(leaves), metadata);
    }

    private static (string, int[], long, long) ReadEntry(string source, string key, JsonNode? node, long dataLength)
    {
        if (node is not JsonObject entry)
        {
            throw Bad(source, key, "expected an object with dtype, shape and data_offsets");
        }
        var dtype = entry["dtype"]?.GetValueKind() == JsonValueKind.String ? entry["dtype"]!.GetValue<string>() : null;
        if (dtype != "F64")
        {
            throw Bad(source, key, $"dtype {dtype ?? "missing"}; expected F64");
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
                throw Bad(source, key, $"shape entry {i} must be a non-negative integer");
            }
            shape[i] = d;
            count = checked(count * d);
            if (count > dataLength)
            {
                throw Bad(source, key, $"shape [{string.Join(", ", shape[..(i + 1)])}…] needs more than the file's {dataLength} data bytes");
            }
        }
        if (entry["data_offsets"] is not JsonArray offsets || offsets.Count != 2
            || !offsets[0]!.AsValue().TryGetValue(out long begin) || !offsets[1]!.AsValue().TryGetValue(out long end))
        {
            throw Bad(source, key, "data_offsets must be two integers [begin, end]");
        }
        if (begin < 0 || end < begin || end > dataLength)
        {
            throw Bad(source, key, $"data_offsets [{begin}, {end}) lie outside the {dataLength} data bytes");
        }
        if (end - begin != 8 * count)
        {
            throw Bad(source, key, $"data_offsets [{begin}, {end}) hold {end - begin} bytes, but shape [{string.Join(", ", shape)}] of F64 needs {8 * count}");
        }
        return (key, shape, begin, end);
    }

    private static InvalidDataException Bad(string source, string key, string what) => new($"{source}: tensor '{key}': {what}.");
}
