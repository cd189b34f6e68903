using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Functional.Facade.Training;
using Functional.Networks;
using Functional.Properties.Tests.Support;
using Functional.Training;

namespace Functional.Properties.Tests.Fuzzing;

/// <summary>RunConfig.Load on corruptions of a valid config.json.</summary>
public sealed class RunConfigFuzz : IDisposable
{
    private static readonly RunConfig Config = new(Network.TwoLayerNet(3, 4, 2), new TrainConfig(4, 2, seed: 5, clipNorm: 1.0), "data", "0123456789abcdef", 1, 0, "test");
    private static readonly byte[] ValidBytes = Encoding.UTF8.GetBytes(Config.ToJson().ToJsonString());

    private readonly string _directory = Fuzz.TempDirectory("config");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private bool LoadsOrRefuses(byte[] bytes, string what)
    {
        var path = Path.Combine(_directory, "config.json");
        File.WriteAllBytes(path, bytes);
        return Fuzz.LoadsOrRefuses(() => RunConfig.Load(path), path, bytes.Length, what);
    }

    [Fact]
    public void Truncation_at_every_length_is_refused()
    {
        Assert.True(LoadsOrRefuses(ValidBytes, "valid"));
        Assert.True(LoadsOrRefuses([0xEF, 0xBB, 0xBF, .. ValidBytes], "with a byte-order mark"));
        for (var n = 0; n < ValidBytes.Length; n++)
        {
            Assert.False(LoadsOrRefuses(ValidBytes[..n], $"truncated to {n}"));
        }
    }

    [Fact]
    public void Byte_damage_loads_only_as_a_valid_config_or_is_refused()
    {
        PropertyCheck.ForAll(Gen.OneOf(Fuzz.Flips(0, ValidBytes.Length), Fuzz.Splice(0, ValidBytes.Length)), c => LoadsOrRefuses(c.Apply(ValidBytes), c.Name), runs: 150);
    }

    [Fact]
    public void Fields_of_the_wrong_kind_or_missing_are_refused_naming_the_file()
    {
        var fields = Config.ToJson().Select(kv => kv.Key).ToArray();
        PropertyCheck.ForAll(Gen.Select(Gen.OneOf(fields), Fuzz.WrongJson, Gen.Int[0, 2]), c =>
        {
            var (field, value, kind) = c;
            var json = Config.ToJson();
            switch (kind)
            {
                case 0:
                    json[field] = Fuzz.Node(value);
                    break;
                case 1:
                    json.Remove(field);
                    break;
                default:   // inside an array field
                    if (json[field] is JsonArray array && array.Count > 0)
                    {
                        array[0] = Fuzz.Node(value);
                    }
                    break;
            }
            LoadsOrRefuses(Encoding.UTF8.GetBytes(Fuzz.Render(json)), $"{kind} {field} = {value}");
        }, runs: 300);
    }

    [Fact]
    public void Json_that_is_not_UTF_8_nests_10000_levels_or_repeats_a_field_is_refused()
    {
        PropertyCheck.ForAll(Fuzz.InvalidUtf8, bad => Assert.False(LoadsOrRefuses(Fuzz.ReplaceFirst(ValidBytes, "functional-run", [.. "functional-"u8, .. bad, .. "run"u8]), "invalid UTF-8")), runs: 10);
        Assert.False(LoadsOrRefuses(Encoding.UTF8.GetBytes(Fuzz.Nested(10_000)), "nested 10,000 levels"));
        Assert.False(LoadsOrRefuses(Encoding.UTF8.GetBytes("{\"steps\":" + Fuzz.Nested(10_000) + "}"), "nested field"));
        var text = Encoding.UTF8.GetString(ValidBytes);
        Assert.False(LoadsOrRefuses(Encoding.UTF8.GetBytes(text[..^1] + ",\"steps\":999}"), "steps twice"));
    }

    [Fact]
    public void A_missing_config_is_a_FileNotFoundException_naming_it()
    {
        var path = Path.Combine(_directory, "absent", "config.json");
        Assert.Contains(path, Assert.Throws<FileNotFoundException>(() => RunConfig.Load(path)).Message, StringComparison.Ordinal);
    }
}
