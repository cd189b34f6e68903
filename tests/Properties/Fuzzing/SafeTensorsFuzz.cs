using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Functional.Facade;
using Functional.Facade.IO;
using Functional.Networks;
using Functional.Properties.Tests.Support;
using Functional.Rng;

namespace Functional.Properties.Tests.Fuzzing;

/// <summary>Model.Load and SafeTensors.Decode on corruptions of a valid params file.</summary>
public sealed class SafeTensorsFuzz : IDisposable
{
    private static readonly Model Valid = new(Network.TwoLayerNet(3, 4, 2), Mlp.Init(Network.TwoLayerNet(3, 4, 2), RngKey.FromSeed(7), 0.5));
    private static readonly byte[] ValidBytes = SafeTensors.Encode(Valid.Parameters, ModelMetadata.Of(Valid.Network));
    private static readonly int DataStart = 8 + (int)BinaryPrimitives.ReadInt64LittleEndian(ValidBytes);

    private readonly string _directory = Fuzz.TempDirectory("safetensors");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Writes the case to disk and loads it with Model.Load; true when it loaded.</summary>
    private bool LoadsOrRefuses(byte[] bytes, string what)
    {
        var path = Path.Combine(_directory, "params.safetensors");
        File.WriteAllBytes(path, bytes);
        Model? loaded = null;
        var ok = Fuzz.LoadsOrRefuses(() => loaded = Model.Load(path), path, bytes.Length, what);
        var decoded = Fuzz.LoadsOrRefuses(() => SafeTensors.Decode(bytes, "bytes-in-memory"), "bytes-in-memory", bytes.Length, what);
        Assert.True(!ok || decoded, $"{what}: Model.Load loaded what SafeTensors.Decode refused");
        return ok;
    }

    [Fact]
    public void Truncation_at_every_length_is_refused()
    {
        for (var n = 0; n < ValidBytes.Length; n++)
        {
            Assert.False(LoadsOrRefuses(ValidBytes[..n], $"truncated to {n}"), $"truncated to {n} bytes loaded");
        }
        Assert.True(LoadsOrRefuses(ValidBytes, "the valid file"));
    }

    [Fact]
    public void Flipped_bytes_in_the_data_load_as_the_values_the_bytes_say_or_are_refused_as_non_finite()
    {
        PropertyCheck.ForAll(Fuzz.Flips(DataStart, ValidBytes.Length), c =>
        {
            var bytes = c.Apply(ValidBytes);
            var path = Path.Combine(_directory, "data.safetensors");
            File.WriteAllBytes(path, bytes);
            var (raw, _) = SafeTensors.Decode(bytes, path);
            var expected = new List<double>();
            for (var at = DataStart; at < bytes.Length; at += 8)
            {
                expected.Add(BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(at)));
            }
            Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), raw.Leaves.Values.SelectMany(t => t.ToArray()).Select(BitConverter.DoubleToInt64Bits));
            var loads = Fuzz.LoadsOrRefuses(() => Model.Load(path), path, bytes.Length, c.Name);
            Assert.Equal(expected.All(double.IsFinite), loads);
        }, runs: 200);
    }

    [Fact]
    public void Random_damage_anywhere_loads_only_as_a_valid_model_or_is_refused_naming_the_file()
    {
        var gen = Gen.OneOf(Fuzz.Truncate(ValidBytes.Length), Fuzz.Flips(0, DataStart), Fuzz.Flips(0, ValidBytes.Length),
            Fuzz.Splice(0, DataStart), Fuzz.Splice(0, ValidBytes.Length));
        PropertyCheck.ForAll(gen, c => LoadsOrRefuses(c.Apply(ValidBytes), c.Name), runs: 200);
    }

    /// <summary>The valid file's header as JSON, to edit.</summary>
    private static JsonObject Header() =>
        (JsonObject)JsonNode.Parse(Encoding.UTF8.GetString(ValidBytes, 8, DataStart - 8))!;

    /// <summary>A file of <paramref name="header"/> with the valid data, or of <paramref name="dataLength"/> zero bytes.</summary>
    private static byte[] WithHeader(string header, int? dataLength = null, long? lengthField = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var data = dataLength is { } n ? new byte[n] : ValidBytes[DataStart..];
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, lengthField ?? json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    /// <summary>The entry named <paramref name="key"/> when an earlier edit left it an object, with its fields replaceable by Add.</summary>
    private static Editable? Entry(JsonObject header, string key) => header[key] is JsonObject o ? new Editable(o) : null;

    private sealed class Editable(JsonObject o)
    {
        public JsonNode? this[string name] => o[name];

        public void Add(string name, JsonNode? value) => o[name] = value;

        public void Remove(string name) => o.Remove(name);
    }

    private static readonly string[] Keys = ["W1", "b1", "W2", "b2"];

    /// <summary>An edit of one tensor entry or of the metadata, as JSON text substituted in the header.</summary>
    private static Gen<(string Name, Action<JsonObject> Edit)> HeaderEdit { get; } = Gen.OneOf(
        // dtype, shape and size that disagree
        Gen.Select(Gen.OneOf(Keys), Gen.OneOf("F32", "F16", "BF16", "I32", "F8_E5M2", "U8", "", "f64", Fuzz.LoneSurrogate)).Select((k, d) =>
            ($"{k}.dtype = {d}", (Action<JsonObject>)(h => Entry(h, k)?.Add("dtype", d)))),
        Gen.Select(Gen.OneOf(Keys), Gen.OneOf("[4,3]", "[2,3]", "[12]", "[3,4,1]", "[]", "[0]", "[2147483647,2147483647]",
            "[-1,4]", "[3.5,4]", "[\"3\",4]", "[null]", "[1,1,1,1,1,1,1,1,1]", "{}")).Select((k, s) =>
            ($"{k}.shape = {s}", (Action<JsonObject>)(h => Entry(h, k)?.Add("shape", JsonNode.Parse(s))))),
        // offsets out of order, out of bounds, overlapping, leaving gaps, absurd
        Gen.Select(Gen.OneOf(Keys), Gen.Int[-9, 400], Gen.Int[-9, 400]).Select((k, b, e) =>
            ($"{k}.data_offsets = [{b}, {e}]", (Action<JsonObject>)(h => Entry(h, k)?.Add("data_offsets", new JsonArray(b, e))))),
        Gen.Select(Gen.OneOf(Keys), Gen.OneOf("[0]", "[0,8,16]", "[4611686018427387904,4611686018427387912]", "[-4611686018427387904,0]",
            "[9223372036854775807,9223372036854775807]", "[0.5,8]", "[null,null]", "\"0-8\"", "null", "[[0],[8]]")).Select((k, o) =>
            ($"{k}.data_offsets = {o}", (Action<JsonObject>)(h => Entry(h, k)?.Add("data_offsets", JsonNode.Parse(o))))),
        Gen.Select(Gen.OneOf(Keys), Gen.OneOf(Keys)).Select((a, b) =>
            ($"{a} takes {b}'s offsets", (Action<JsonObject>)(h => Entry(h, a)?.Add("data_offsets", Entry(h, b)?["data_offsets"]?.DeepClone())))),
        // missing, extra or misnamed tensors
        Gen.OneOf(Keys).Select(k => ($"remove {k}", (Action<JsonObject>)(h => h.Remove(k)))),
        Gen.Select(Gen.OneOf(Keys), Gen.OneOf("W3", "w1", "", "__metadata__ ", "W1\u0000", Fuzz.LoneSurrogate)).Select((k, n) =>
            ($"rename {k} to '{n}'", (Action<JsonObject>)(h =>
            {
                var entry = h[k]?.DeepClone();
                h.Remove(k);
                h[n] = entry;
            }))),
        Gen.Select(Gen.OneOf(Keys), Fuzz.WrongJson).Select((k, j) => ($"{k} = {j[..Math.Min(j.Length, 20)]}", (Action<JsonObject>)(h => h[k] = Fuzz.Node(j)))),
        // metadata that describes another network, or is not metadata
        Gen.Select(Gen.OneOf("net", "input"),
            Gen.OneOf("affine:5,relu,affine:2", "affine:4,tanh,affine:2", "affine:4,relu,affine:2,affine:2", "residual(affine:4)", "affine:4,(", "affine:0",
                "affine:4,relu,affine:2,", "3", "4", "3,1", "0", "", "x", "relu", "NaN", "-1", "99999999999", "3,,2")).Select((m, v) =>
            ($"metadata {m} = '{v}'", (Action<JsonObject>)(h => Entry(h, "__metadata__")?.Add(m, v)))),
        // the MLP description of files written before layers composed, read only when "net" is absent
        Gen.Select(Gen.OneOf("network", "activations", "batchnorm", "dropout"),
            Gen.OneOf("3,5,2", "3,4,2,2", "4,4,2", "3,4", "", "x", "relu,relu", "sigmoid", "true", "1.5", "NaN", "-0.1", "99999999999", "3,,2")).Select((m, v) =>
            ($"metadata {m} = '{v}'", (Action<JsonObject>)(h => Entry(h, "__metadata__")?.Add(m, v)))),
        Gen.OneOf("net", "input").Select(m => ($"remove metadata {m}", (Action<JsonObject>)(h => Entry(h, "__metadata__")?.Remove(m)))),
        Fuzz.WrongJson.Select(j => ($"__metadata__ = {j[..Math.Min(j.Length, 20)]}", (Action<JsonObject>)(h => h["__metadata__"] = Fuzz.Node(j)))),
        Gen.Select(Gen.OneOf("net", "input", "network", "dropout"), Fuzz.WrongJson).Select((m, j) => ($"metadata {m} = {j[..Math.Min(j.Length, 20)]}", (Action<JsonObject>)(h => Entry(h, "__metadata__")?.Add(m, Fuzz.Node(j))))));

    [Fact]
    public void Header_edits_load_only_as_a_valid_model_or_are_refused_naming_the_file()
    {
        PropertyCheck.ForAll(HeaderEdit.Array[1, 3], edits =>
        {
            var header = Header();
            foreach (var (_, edit) in edits)
            {
                edit(header);
            }
            var what = string.Join("; ", edits.Select(e => e.Name));
            var bytes = WithHeader(Fuzz.Render(header));
            if (LoadsOrRefuses(bytes, what))
            {
                // Only an edit that left a model of the same shapes can load; its tensors are the file's bytes.
                var loaded = Model.Load(Path.Combine(_directory, "params.safetensors"));
                Assert.Equal(Valid.Parameters.ParameterCount, loaded.Parameters.ParameterCount);
            }
        }, runs: 200, print: edits => string.Join("; ", edits.Select(e => e.Name)));
    }

    [Fact]
    public void Duplicate_tensor_names_are_refused()
    {
        var json = Encoding.UTF8.GetString(ValidBytes, 8, DataStart - 8).TrimEnd();
        var duplicated = json[..^1] + ",\"W1\":" + Header()["W1"]!.ToJsonString() + "}";
        Assert.False(LoadsOrRefuses(WithHeader(duplicated), "W1 twice"));
    }

    [Fact]
    public void Header_lengths_beyond_the_file_or_any_sane_limit_are_refused_without_allocating()
    {
        var lengths = Gen.OneOf(Gen.Long[long.MinValue, long.MaxValue], Gen.OneOf(1L << 62, long.MaxValue, -1L, 0L, 1L, 100_000_001L,
            DataStart - 7L, ValidBytes.Length - 7L, ValidBytes.Length - 8L, int.MaxValue + 1L));
        PropertyCheck.ForAll(lengths, length =>
        {
            var bytes = (byte[])ValidBytes.Clone();
            BinaryPrimitives.WriteInt64LittleEndian(bytes, length);
            var loads = LoadsOrRefuses(bytes, $"header length {length}");
            Assert.True(!loads || length == DataStart - 8 || (length > DataStart - 8 && length < ValidBytes.Length), $"header length {length} loaded");
        }, runs: 200, print: length => length.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_header_that_is_not_UTF_8_or_nests_10000_levels_is_refused()
    {
        PropertyCheck.ForAll(Gen.Select(Fuzz.InvalidUtf8, Gen.OneOf("W1", "dtype", "F64", "net", "affine")), c =>
        {
            var (bad, at) = c;
            var json = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(ValidBytes, 8, DataStart - 8));
            var corrupted = Fuzz.ReplaceFirst(json, at, [.. Encoding.UTF8.GetBytes(at[..1]), .. bad, .. Encoding.UTF8.GetBytes(at[1..])]);
            Assert.False(LoadsOrRefuses(Splice(corrupted), $"invalid UTF-8 in '{at}'"));
        }, runs: 30);
        foreach (var header in new[] { Fuzz.Nested(10_000), "{\"W1\":" + Fuzz.Nested(10_000) + "}", "{\"__metadata__\":{\"a\":" + Fuzz.Nested(10_000) + "}}" })
        {
            Assert.False(LoadsOrRefuses(WithHeader(header), "nested 10,000 levels"));
        }
    }

    /// <summary>A file of the given raw header bytes and the valid data.</summary>
    private static byte[] Splice(byte[] header)
    {
        var data = ValidBytes[DataStart..];
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }
}
