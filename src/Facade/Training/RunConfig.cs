using System.Globalization;
using System.Text.Json.Nodes;
using Functional.Facade.IO;
using Functional.Facade.Naming;
using Functional.Networks;
using Functional.Tensors;
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

    /// <summary>
    /// The JSON object written as config.json. A config with an explicit transform gets a "transform" field (its
    /// spec, <see cref="TransformNames"/>); one with the default chain is written as before.
    /// </summary>
    /// <exception cref="InvalidOperationException">The transform's spec does not read back to the same transform (a user's link, or hyperparameters the spec does not carry).</exception>
    public JsonObject ToJson()
    {
        var json = Fields();
        if (Train.ExplicitTransform is { } transform)
        {
            var spec = transform.Spec;
            var asChain = transform as Optimizers.Chain ?? Optimizers.Chain.Of(transform);
            if (!Readable(spec, asChain))
            {
                throw new InvalidOperationException(
                    $"RunConfig.ToJson: the transform {transform} cannot be written to config.json: its spec '{spec}' reads back as another transform; use the links a spec names ({nameof(TransformNames)}) with their default hyperparameters.");
            }
            json["transform"] = spec;
        }
        return json;
    }

    private static bool Readable(string spec, Optimizers.Chain chain)
    {
        try
        {
            return TransformNames.Parse(spec).Equals(chain);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private JsonObject Fields() => new()
    {
        ["format"] = "functional-run",
        ["version"] = 1,
        ["net"] = Network.Spec,
        ["input"] = new JsonArray([.. Network.InputShape.Dims.Select(d => (JsonNode)d)]),
        ["steps"] = Train.Steps,
        ["batch_size"] = Train.BatchSize,
        ["learning_rate"] = Train.LearningRate,
        ["seed"] = Train.Seed,
        ["weight_std"] = Train.WeightStd,
        ["optimizer"] = Train.Optimizer.Name,
        ["schedule"] = Train.Schedule.Spec,
        ["weight_decay"] = Train.WeightDecay,
        ["clip_norm"] = Train.ClipNorm,
        ["init"] = Train.Initializer.Spec,
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
    /// <param name="registry">The user's layers the network may name.</param>
    /// <exception cref="InvalidDataException">A field is missing or invalid; the message names it.</exception>
    public static RunConfig FromJson(JsonNode? json, string source, LayerRegistry? registry = null)
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
            catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
            {
                throw new InvalidDataException($"{source}: field '{name}' is not a valid {typeof(T).Name}: {o[name]?.ToJsonString()}.", e);
            }
        }
        T Element<T>(string name, JsonNode? element, int index)
        {
            try
            {
                return element is JsonValue value ? value.GetValue<T>() : throw new InvalidOperationException();
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
            {
                throw new InvalidDataException($"{source}: field '{name}' entry {index} is not a valid {typeof(T).Name}: {element?.ToJsonString() ?? "null"}.", e);
            }
        }
        if (Get<string>("format") != "functional-run" || Get<int>("version") != 1)
        {
            throw new InvalidDataException($"{source}: not a version-1 functional-run config (format '{o["format"]}', version {o["version"]}).");
        }
        try
        {
            // Fields after "optimizer" came with version 0.2 of the library; a config without them is plain SGD.
            T Optional<T>(string name, T fallback) => o[name] is null ? fallback : Get<T>(name);
            Network network;
            if (o["net"] is not null)
            {
                var input = o["input"] as JsonArray ?? throw new InvalidDataException($"{source}: field 'input' must be an array of the per-sample input shape's dimensions.");
                network = new Network(new Shape([.. input.Select((d, i) => Element<int>("input", d, i))]), NetSpec.Parse(Get<string>("net"), registry));
            }
            else
            {
                // Configs written before layers composed describe an MLP by its widths and activations.
                var sizes = o["network"] as JsonArray ?? throw new InvalidDataException($"{source}: field 'net' (or, in older configs, 'network') is missing.");
                var activations = o["activations"] as JsonArray ?? throw new InvalidDataException($"{source}: field 'activations' must be an array of names.");
                network = Network.Mlp(sizes.Select((s, i) => Element<int>("network", s, i)), activations.Select((a, i) => ActivationNames.Parse(Element<string>("activations", a, i))),
                    Optional("batchnorm", false), Optional("dropout", 0.0));
            }
            // A config with "transform" (an explicit chain) names its optimizer there too; "optimizer" is for people.
            var transform = o["transform"] is null ? null : TransformNames.Parse(Get<string>("transform"));
            return new RunConfig(
                network,
                new TrainConfig(Get<int>("steps"), Get<int>("batch_size"), Get<double>("learning_rate"), Get<ulong>("seed"), Get<double>("weight_std"),
                    PrecisionNames.Parse(Optional("precision", "float64")),
                    transform is null ? OptimizerNames.Parse(Get<string>("optimizer")) : null,
                    ScheduleNames.Parse(Optional("schedule", "constant"), Get<double>("learning_rate"), Get<int>("steps")),
                    transform is null ? Optional("weight_decay", 0.0) : 0,
                    transform is null && o["clip_norm"] is not null ? Get<double>("clip_norm") : null,
                    InitializerNames.Parse(Optional("init", $"normal:{Get<double>("weight_std").ToString("R", CultureInfo.InvariantCulture)}")),
                    transform),
                o["data"] is null ? null : Get<string>("data"),
                Get<string>("data_sha256"),
                Get<int>("log_every"),
                Get<int>("checkpoint_every"),
                Get<string>("library_version"));
        }
        catch (ArgumentException e)   // ArgumentOutOfRangeException too: a value outside its range
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>Reads a run directory's config.json.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is not UTF-8 JSON, or a field is missing or invalid; the message names the file and the field.</exception>
    /// <param name="registry">The user's layers the network may name.</param>
    public static RunConfig Load(string path, LayerRegistry? registry = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} not found; a run directory holds the config.json train wrote.", path);
        }
        // Parsed from the bytes: invalid UTF-8 is refused there, not silently replaced.
        var bytes = File.ReadAllBytes(path);
        var start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;   // a byte-order mark, as some editors write
        return FromJson(StrictJson.Parse(bytes.AsSpan(start), path, $"{path}: not valid JSON"), path, registry);
    }

    /// <summary>A short description for logs.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Network.Describe()}, {Train.Steps} steps, batch {Train.BatchSize}, {Train.Transform.Spec} lr {Train.LearningRate} ({Train.Schedule.Spec}), seed {Train.Seed}, {PrecisionNames.Of(Train.Precision)}");
}
