using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Functional.Facade.IO;
using Functional.Facade.Naming;
using Functional.Facade.Training;

namespace Functional.Facade.Replay;

/// <summary>A replay log read back and checked.</summary>
/// <param name="Path">The file.</param>
/// <param name="Config">The run's configuration, from the header.</param>
/// <param name="Steps">The recorded steps, in order.</param>
/// <param name="Epochs">The recorded epochs, in order.</param>
/// <param name="End">The closing record, or null when the run did not finish.</param>
/// <param name="Lines">The valid lines, header first, exactly as stored.</param>
public sealed record ReplayLogContents(string Path, RunConfig Config, IReadOnlyList<StepRecord> Steps,
    IReadOnlyList<EpochReport> Epochs, EndRecord? End, IReadOnlyList<string> Lines);

/// <summary>
/// The replay log, replay.jsonl: one JSON object per line — a header with the whole configuration, then a record
/// per logged step (loss as its 64 IEEE-754 bits in hex, a hash per parameter), a record per epoch, and an end
/// record. Each line ends with a chained checksum, the first 16 hex digits of SHA-256(previous checksum + line),
/// so an edited, reordered or truncated log is detected, not silently replayed.
/// </summary>
public static class ReplayLog
{
    /// <summary>The log's file name in a run directory.</summary>
    public const string FileName = "replay.jsonl";

    private const string ChainPrefix = ",\"chain\":\"";
    private const int ChainDigits = 16;
    private static readonly int ChainSuffixLength = ChainPrefix.Length + ChainDigits + 2;

    /// <summary>The checksum before the header.</summary>
    internal const string Genesis = "0000000000000000";

    /// <summary>Formats a double as the hex of its bits, e.g. 0x3FF0000000000000 for 1.</summary>
    public static string Bits(double value) => "0x" + BitConverter.DoubleToInt64Bits(value).ToString("X16", CultureInfo.InvariantCulture);

    internal static string HeaderContent(RunConfig config) =>
        new JsonObject { ["type"] = "header", ["format"] = "functional-replay", ["version"] = 1, ["config"] = config.ToJson() }.ToJsonString();

    internal static string StepContent(long step, double loss, ImmutableSortedDictionary<string, string> hashes)
    {
        var text = new StringBuilder(64 + (48 * hashes.Count));
        text.Append(CultureInfo.InvariantCulture, $"{{\"type\":\"step\",\"step\":{step},\"loss\":\"{Bits(loss)}\",\"loss_value\":{loss.ToString("R", CultureInfo.InvariantCulture)},\"params\":{{");
        var first = true;
        foreach (var (key, hash) in hashes)
        {
            text.Append(first ? "" : ",").Append(JsonSerializer.Serialize(key)).Append(":\"").Append(hash).Append('"');
            first = false;
        }
        return text.Append("}}").ToString();
    }

    internal static string EpochContent(EpochReport e) => new JsonObject
    {
        ["type"] = "epoch",
        ["epoch"] = e.Epoch,
        ["step"] = e.Step,
        ["mean_loss"] = Bits(e.MeanLoss),
        ["train_accuracy"] = Bits(e.TrainAccuracy),
        ["test_accuracy"] = Bits(e.TestAccuracy),
    }.ToJsonString();

    internal static string EndContent(long steps, string paramsSha256) =>
        new JsonObject { ["type"] = "end", ["steps"] = steps, ["params_sha256"] = paramsSha256 }.ToJsonString();

    /// <summary>Appends the chain field to a line's content, returning the stored line and the new checksum.</summary>
    internal static (string Line, string Chain) Seal(string content, string previousChain)
    {
        var chain = Chain(previousChain, content);
        return (content[..^1] + ChainPrefix + chain + "\"}", chain);
    }

    private static string Chain(string previous, string content) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previous + content)))[..ChainDigits];

    /// <summary>
    /// Reads and checks a log. With <paramref name="tolerateTornTail"/> a last line cut off mid-write (as a crash
    /// leaves it) is dropped; otherwise it is an error.
    /// </summary>
    /// <param name="path">The log.</param>
    /// <param name="tolerateTornTail">Drop a last line cut off mid-write instead of refusing the log.</param>
    /// <param name="registry">The user's layers the recorded network may name (see <see cref="LayerRegistry"/>).</param>
    /// <exception cref="FileNotFoundException">There is no log.</exception>
    /// <exception cref="InvalidDataException">A line is malformed or edited, or records are out of order; the message names the file and line.</exception>
    public static ReplayLogContents Read(string path, bool tolerateTornTail = false, LayerRegistry? registry = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no replay log; was the run recorded by train?", path);
        }
        string text;
        try
        {
            text = File.ReadAllText(path, StrictUtf8);
        }
        catch (DecoderFallbackException e)   // not UTF-8: refused rather than read with replacement characters
        {
            throw new InvalidDataException($"{path}: not UTF-8 text ({e.Message}).", e);
        }
        var lines = text.Split('\n').ToList();
        var tornTail = lines[^1].Length > 0;   // a complete log ends with a newline
        if (!tornTail)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        else if (tolerateTornTail)
        {
            lines.RemoveAt(lines.Count - 1);
            tornTail = false;
        }
        if (lines.Count == 0)
        {
            throw new InvalidDataException($"{path}: empty replay log; the header is missing.");
        }
        RunConfig? config = null;
        var steps = new List<StepRecord>();
        var epochs = new List<EpochReport>();
        EndRecord? end = null;
        var chain = Genesis;
        for (var i = 0; i < lines.Count; i++)
        {
            var where = $"{path} line {i + 1}";
            var line = lines[i];
            if (tornTail && i == lines.Count - 1)
            {
                throw new InvalidDataException($"{where}: truncated (the line is incomplete).");
            }
            if (line.Length <= ChainSuffixLength || !line.EndsWith("\"}", StringComparison.Ordinal)
                || string.CompareOrdinal(line, line.Length - ChainSuffixLength, ChainPrefix, 0, ChainPrefix.Length) != 0)
            {
                throw new InvalidDataException($"{where}: malformed record (no checksum).");
            }
            var content = line[..^ChainSuffixLength] + "}";
            var stored = line.Substring(line.Length - ChainDigits - 2, ChainDigits);
            chain = Chain(chain, content);
            if (stored != chain)
            {
                throw new InvalidDataException($"{where}: checksum mismatch (stored {stored}, computed {chain}): the log was edited or reordered.");
            }
            if (end is not null)
            {
                throw new InvalidDataException($"{where}: a record after the end record.");
            }
            var record = Parse(content, where);
            var type = StringOrNull(record["type"]);
            if (i == 0)
            {
                if (type != "header" || StringOrNull(record["format"]) != "functional-replay")
                {
                    throw new InvalidDataException($"{where}: expected the functional-replay header, got '{type ?? record["type"]?.ToJsonString()}'.");
                }
                if (!(record["version"] is JsonValue version && version.GetValueKind() == JsonValueKind.Number && version.TryGetValue(out int v) && v == 1))
                {
                    throw new InvalidDataException($"{where}: unknown replay log version {record["version"]}; this build reads version 1.");
                }
                config = RunConfig.FromJson(record["config"], where, registry);
                continue;
            }
            switch (type)
            {
                case "step":
                    var step = ReadStep(record, where);
                    if (step.Step <= (steps.Count > 0 ? steps[^1].Step : 0))
                    {
                        throw new InvalidDataException($"{where}: step {step.Step} does not follow step {(steps.Count > 0 ? steps[^1].Step : 0)}.");
                    }
                    steps.Add(step);
                    break;
                case "epoch":
                    epochs.Add(new EpochReport(Get<int>(record, "epoch", where), Get<long>(record, "step", where),
                        ReadBits(record, "mean_loss", where), ReadBits(record, "train_accuracy", where), ReadBits(record, "test_accuracy", where)));
                    break;
                case "end":
                    end = new EndRecord(Get<long>(record, "steps", where), Get<string>(record, "params_sha256", where));
                    break;
                default:
                    throw new InvalidDataException($"{where}: unknown record type '{type ?? record["type"]?.ToJsonString()}'.");
            }
        }
        return new ReplayLogContents(path, config!, steps, epochs, end, lines);
    }

    private static JsonObject Parse(string content, string where)
    {
        return StrictJson.Parse(content, where, $"{where}: not valid JSON") as JsonObject
            ?? throw new InvalidDataException($"{where}: expected a JSON object.");
    }

    private static StepRecord ReadStep(JsonObject record, string where)
    {
        var hashes = record["params"] as JsonObject ?? throw new InvalidDataException($"{where}: field 'params' is missing.");
        return new StepRecord(Get<long>(record, "step", where), ReadBits(record, "loss", where),
            hashes.ToImmutableSortedDictionary(kv => kv.Key,
                kv => StringOrNull(kv.Value) ?? throw new InvalidDataException($"{where}: the hash of parameter '{kv.Key}' must be a string."),
                StringComparer.Ordinal));
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // A JSON string's value, or null for anything else (a number where a string belongs must not throw InvalidOperationException).
    private static string? StringOrNull(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static T Get<T>(JsonObject record, string name, string where)
    {
        try
        {
            return record[name] is { } node ? node.GetValue<T>() : throw new InvalidDataException($"{where}: field '{name}' is missing.");
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
        {
            throw new InvalidDataException($"{where}: field '{name}' is not a valid {typeof(T).Name}: {record[name]?.ToJsonString()}.", e);
        }
    }

    private static double ReadBits(JsonObject record, string name, string where)
    {
        var text = Get<string>(record, name, where);
        return text.Length == 18 && text.StartsWith("0x", StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits)
            ? BitConverter.Int64BitsToDouble(bits)
            : throw new InvalidDataException($"{where}: field '{name}' must be 0x and 16 hex digits, got '{text}'.");
    }
}
