using System.Globalization;
using System.Text.Json.Nodes;
using Functional.Networks;
using Functional.Training;

namespace Functional.Facade.Training;

/// <summary>
/// Everything that determines a training run — the network, the settings, the data and how the run is recorded —
/// as written to a run directory's config.json and read back by resume and replay.
/// </summary>
/// <param name="Network">The network trained.</param>
/// <param name="Train">Steps, batch size, learning rate, seed and initial weight scale.</param>
/// <param name="DataDirectory">The data directory, or null for the embedded data set.</param>
/// <param name="DataSha256">The data's fingerprint (<see cref="Data.MnistData.Fingerprint"/>).</param>
/// <param name="LogEvery">The replay log records every this many steps (and the last).</param>
/// <param name="CheckpointEvery">A checkpoint is written every this many steps; 0 for none.</param>
/// <param name="LibraryVersion">The version of Functional that wrote the run.</param>
public sealed record RunConfig(Network Network, TrainConfig Train, string? DataDirectory, string DataSha256,
    int LogEvery, int CheckpointEvery, string LibraryVersion)
{
    /// <summary>The version of this build of the library.</summary>
    public static string CurrentLibraryVersion { get; } =
        typeof(RunConfig).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    /// <summary>The JSON object written as config.json.</summary>
    public JsonObject ToJson() => new()
    {
        ["format"] = "functional-run",
        ["version"] = 1,
        ["network"] = new JsonArray([.. Network.Sizes.Select(s => (JsonNode)s)]),
        ["activations"] = new JsonArray([.. Network.Activations.Select(a => (JsonNode)ActivationNames.Of(a))]),
        ["steps"] = Train.Steps,
        ["batch_size"] = Train.BatchSize,
        ["learning_rate"] = Train.LearningRate,
        ["seed"] = Train.Seed,
        ["weight_std"] = Train.WeightStd,
        ["optimizer"] = "sgd",
        ["precision"] = PrecisionNames.Of(Train.Precision),
        ["data"] = DataDirectory,
        ["data_sha256"] = DataSha256,
        ["log_every"] = LogEvery,
        ["checkpoint_every"] = CheckpointEvery,
        ["library_version"] = LibraryVersion,
    };

    /// <summary>Reads a config written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The parsed config.json.</param>
    /// <param name="source">Names the file in error messages.</param>
    /// <exception cref="InvalidDataException">A field is missing or invalid; the message names it.</exception>
    public static RunConfig FromJson(JsonNode? json, string source)
    {
        if (json is not JsonObject o)
        {
            throw new InvalidDataException($"{source}: expected a JSON object.");
        }
        T Get<T>(string name)
        {
            try
            {
                return o[name] is { } node ? node.GetValue<T>() : throw new InvalidDataException($"{source}: field '{name}' is missing.");
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                throw new InvalidDataException($"{source}: field '{name}' is not a valid {typeof(T).Name}.", e);
            }
        }
        if (Get<string>("format") != "functional-run" || Get<int>("version") != 1)
        {
            throw new InvalidDataException($"{source}: not a version-1 functional-run config (format '{o["format"]}', version {o["version"]}).");
        }
        try
        {
            var sizes = o["network"] as JsonArray ?? throw new InvalidDataException($"{source}: field 'network' must be an array of widths.");
            var activations = o["activations"] as JsonArray ?? throw new InvalidDataException($"{source}: field 'activations' must be an array of names.");
            if (Get<string>("optimizer") != "sgd")
            {
                throw new InvalidDataException($"{source}: unknown optimizer '{o["optimizer"]}'.");
            }
            return new RunConfig(
                Network.Sequential(sizes.Select(s => s!.GetValue<int>()), activations.Select(a => ActivationNames.Parse(a!.GetValue<string>()))),
                new TrainConfig(Get<int>("steps"), Get<int>("batch_size"), Get<double>("learning_rate"), Get<ulong>("seed"), Get<double>("weight_std"),
                    o["precision"] is null ? Precision.Float64 : PrecisionNames.Parse(Get<string>("precision"))),   // configs before 0.2 have none
                o["data"]?.GetValue<string>(),
                Get<string>("data_sha256"),
                Get<int>("log_every"),
                Get<int>("checkpoint_every"),
                Get<string>("library_version"));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>A short description for logs.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Network.Describe()}, {Train.Steps} steps, batch {Train.BatchSize}, lr {Train.LearningRate}, seed {Train.Seed}, {PrecisionNames.Of(Train.Precision)}");
}
