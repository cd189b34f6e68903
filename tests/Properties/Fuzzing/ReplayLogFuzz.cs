using System.Security.Cryptography;
using System.Text;
using CsCheck;
using Functional.Facade.Replay;
using Functional.Facade.Training;
using Functional.Networks;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Training;

namespace Functional.Properties.Tests.Fuzzing;

/// <summary>ReplayLog.Read on corruptions of a valid replay.jsonl, with and without re-sealed chain checksums.</summary>
public sealed class ReplayLogFuzz : IDisposable
{
    private static readonly RunConfig Config = new(Network.TwoLayerNet(3, 4, 2), new TrainConfig(4, 2, seed: 5), null, "0123456789abcdef", 1, 0, "test");

    private readonly string _directory = Fuzz.TempDirectory("replay");
    private readonly byte[] _valid;

    public ReplayLogFuzz()
    {
        var path = Path.Combine(_directory, "valid.jsonl");
        var hashes = Mlp.Init(Config.Network, RngKey.FromSeed(1), 0.1).LeafHashes();
        using (var writer = ReplayLogWriter.Create(path, Config))
        {
            writer.Step(1, 2.25, hashes);
            writer.Step(2, 2.0, hashes);
            writer.Epoch(new EpochReport(1, 2, 2.1, 0.5, 0.25));
            writer.Step(3, 1.75, hashes);
            writer.End(3, new string('a', 64));
        }
        _valid = File.ReadAllBytes(path);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string[] ValidLines => Encoding.UTF8.GetString(_valid).TrimEnd('\n').Split('\n');

    private (bool Loaded, ReplayLogContents? Log) Read(byte[] bytes, string what, bool tolerateTornTail = false)
    {
        var path = Path.Combine(_directory, ReplayLog.FileName);
        File.WriteAllBytes(path, bytes);
        ReplayLogContents? log = null;
        return (Fuzz.LoadsOrRefuses(() => log = ReplayLog.Read(path, tolerateTornTail), path, bytes.Length, what), log);
    }

    /// <summary>The lines' contents (without their chain fields) sealed again with the chain checksum, as the writer does.</summary>
    private static byte[] Reseal(IEnumerable<string> contents)
    {
        var text = new StringBuilder();
        var chain = "0000000000000000";
        foreach (var content in contents)
        {
            chain = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(chain + content)))[..16];
            text.Append(content[..^1]).Append(",\"chain\":\"").Append(chain).Append("\"}\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Content(string line) => line[..^28] + "}";

    [Fact]
    public void Truncation_at_every_length_is_refused_or_with_tolerateTornTail_read_as_the_lines_before_it()
    {
        Assert.True(Read(_valid, "valid").Loaded);
        var lines = ValidLines;
        for (var n = 0; n < _valid.Length; n++)
        {
            Assert.False(Read(_valid[..n], $"truncated to {n}").Loaded && !_valid[..n].AsSpan().EndsWith("\n"u8), $"truncated to {n} loaded");
            var (loaded, log) = Read(_valid[..n], $"truncated to {n}, torn tail tolerated", tolerateTornTail: true);
            if (loaded)
            {
                Assert.Equal(lines[..log!.Lines.Count], log.Lines);   // a prefix of the log, never a damaged line
            }
        }
    }

    [Fact]
    public void Byte_damage_is_refused()
    {
        PropertyCheck.ForAll(Gen.OneOf(Fuzz.Flips(0, _valid.Length), Fuzz.Splice(0, _valid.Length)), c =>
        {
            var (loaded, log) = Read(c.Apply(_valid), c.Name);
            Assert.True(!loaded || log!.Lines.SequenceEqual(ValidLines), $"{c.Name} loaded");
        }, runs: 150);
    }

    [Fact]
    public void A_line_deleted_or_moved_or_its_checksum_changed_is_refused()
    {
        var lines = ValidLines;
        PropertyCheck.ForAll(Gen.Select(Gen.Int[0, lines.Length - 1], Gen.Int[0, lines.Length - 1], Gen.Int[0, 2]), c =>
        {
            var (i, j, kind) = c;
            var edited = lines.ToList();
            switch (kind)
            {
                case 0:
                    edited.RemoveAt(i);
                    break;
                case 1:
                    (edited[i], edited[j]) = (edited[j], edited[i]);
                    break;
                default:
                    edited[i] = edited[i][..^3] + (edited[i][^3] == '0' ? '1' : '0') + "\"}";
                    break;
            }
            var (loaded, _) = Read(Encoding.UTF8.GetBytes(string.Concat(edited.Select(l => l + "\n"))), $"{kind} {i} {j}");
            Assert.True(!loaded || edited.SequenceEqual(lines) || (kind == 0 && i == lines.Length - 1), $"edit {kind} of lines {i}, {j} loaded");
        }, runs: 60);
    }

    private static readonly string[] Fields = ["type", "format", "version", "config", "step", "loss", "loss_value", "params", "epoch", "mean_loss", "train_accuracy", "test_accuracy", "steps", "params_sha256"];

    [Fact]
    public void Field_edits_behind_valid_checksums_are_refused_naming_the_file_and_line()
    {
        var contents = ValidLines.Select(Content).ToArray();
        Assert.Equal(_valid, Reseal(contents));   // the re-sealing is the writer's, so edits below reach the parsers
        var gen = Gen.Select(Gen.Int[0, contents.Length - 1], Gen.OneOf(Fields), Fuzz.WrongJson, Gen.Int[0, 2]);
        PropertyCheck.ForAll(gen, c =>
        {
            var (line, field, value, kind) = c;
            var edited = (string[])contents.Clone();
            var node = System.Text.Json.Nodes.JsonNode.Parse(edited[line])!.AsObject();
            switch (kind)
            {
                case 0:
                    node[field] = Fuzz.Node(value);
                    break;
                case 1:
                    node.Remove(field);
                    break;
                default:   // a field inside the config or the params
                    var inner = (node["config"] ?? node["params"])?.AsObject();
                    if (inner is not null && inner.Count > 0)
                    {
                        inner[inner.ElementAt(line % inner.Count).Key] = Fuzz.Node(value);
                    }
                    break;
            }
            edited[line] = Fuzz.Render(node);
            var path = Path.Combine(_directory, ReplayLog.FileName);
            var (loaded, log) = Read(Reseal(edited), $"line {line + 1}: {kind} {field} = {value}");
            if (!loaded)
            {
                var message = Assert.ThrowsAny<Exception>(() => ReplayLog.Read(path)).Message;
                Assert.Contains($"{path} line ", message, StringComparison.Ordinal);
            }
        }, runs: 250);
    }

    [Fact]
    public void A_line_that_is_not_UTF_8_or_nests_10000_levels_is_refused()
    {
        var contents = ValidLines.Select(Content).ToArray();
        PropertyCheck.ForAll(Gen.Select(Fuzz.InvalidUtf8, Gen.Int[0, contents.Length - 1]), c =>
        {
            var (bad, line) = c;
            var bytes = Reseal(contents);
            var at = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(contents[line][..20]));
            Assert.False(Read([.. bytes[..(at + 10)], .. bad, .. bytes[(at + 10)..]], $"invalid UTF-8 in line {line + 1}").Loaded);
        }, runs: 20);
        var nested = (string[])contents.Clone();
        nested[1] = nested[1][..^1] + ",\"deep\":" + Fuzz.Nested(10_000) + "}";
        Assert.False(Read(Reseal(nested), "nested 10,000 levels").Loaded);
    }
}
