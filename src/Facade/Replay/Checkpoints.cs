using System.Globalization;
using System.Security.Cryptography;
using Functional.Facade.IO;
using Functional.Facade.Naming;
using Functional.Facade.Training;
using Functional.Layers;
using Functional.Networks;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Facade.Replay;

/// <summary>
/// Checkpoints: safetensors files in a run's checkpoints/ directory holding the parameters, the step, the batch key
/// and the run's history (every step's loss, every epoch's report), sealed with a SHA-256 checksum in the metadata.
/// Written atomically, so a crash leaves either the old set of checkpoints or the new one complete.
/// </summary>
public static class Checkpoints
{
    private const string LossesKey = "run.step_losses";
    private const string EpochsKey = "run.epochs";
    private const string ChecksumKey = "checksum";

    /// <summary>The checkpoint directory of a run.</summary>
    public static string DirectoryOf(string runDirectory) => Path.Combine(runDirectory, "checkpoints");

    /// <summary>The file of the checkpoint after <paramref name="step"/> steps.</summary>
    public static string PathOf(string runDirectory, long step) =>
        Path.Combine(DirectoryOf(runDirectory), string.Create(CultureInfo.InvariantCulture, $"step-{step:D9}.safetensors"));

    /// <summary>
    /// Writes the checkpoint of <paramref name="start"/> atomically: if the write fails (a full disk, say), no file
    /// of this step and no temporary file is left, and the earlier checkpoints are untouched.
    /// </summary>
    /// <exception cref="IOException">The checkpoint could not be written; the message names its file.</exception>
    public static void Write(string runDirectory, RunStart start, RunConfig config) => Write(runDirectory, start, config, null);

    /// <summary>The seam for tests: <paramref name="open"/> opens the temporary file (null: the real file system).</summary>
    internal static void Write(string runDirectory, RunStart start, RunConfig config, Func<string, Stream>? open)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(config);
        Directory.CreateDirectory(DirectoryOf(runDirectory));
        AtomicFile.WriteAllBytes(PathOf(runDirectory, start.State.Step), Encode(start, config), open);
    }

    /// <summary>The checkpoint as safetensors bytes, sealed with its checksum.</summary>
    public static byte[] Encode(RunStart start, RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(config);
        var epochs = start.History.Epochs;
        var state = start.State.ToFloat64();   // files hold float64; a float32 run's values widen exactly
        var optimizer = state.Optimizer;
        var tensors = ParamTree<double>.Of([
            .. state.Params.Leaves,
            .. state.State.Leaves,
            .. (optimizer.Slots.IsEmpty ? [] : optimizer.Flatten().Leaves.Select(kv => KeyValuePair.Create(TrainState.OptimizerPrefix + kv.Key, kv.Value))),
            new(LossesKey, Tensor.FromArray([.. start.History.StepLosses], start.History.StepLosses.Count)),
            new(EpochsKey, Tensor.FromArray([.. epochs.SelectMany(e => new[] { e.Epoch, e.Step, e.MeanLoss, e.TrainAccuracy, e.TestAccuracy })], epochs.Count, 5)),
        ]);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "functional-checkpoint",
            ["version"] = "1",
            ["step"] = start.State.Step.ToString(CultureInfo.InvariantCulture),
            ["batch_key"] = start.State.BatchKey.State.ToString("X16", CultureInfo.InvariantCulture),
            ["optimizer_count"] = optimizer.Count.ToString(CultureInfo.InvariantCulture),
            ["data_sha256"] = config.DataSha256,
        };
        foreach (var (key, value) in ModelMetadata.Of(config.Network))
        {
            metadata[key] = value;
        }
        metadata[ChecksumKey] = Checksum(SafeTensors.Encode(tensors, metadata));
        return SafeTensors.Encode(tensors, metadata);
    }

    /// <summary>Reads and checks a checkpoint against the run's configuration.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is torn, edited or from another run, or a parameter or optimizer buffer is not finite; the message
    /// names it and what failed.
    /// </exception>
    /// <param name="path">The checkpoint.</param>
    /// <param name="config">The run it must belong to.</param>
    /// <param name="registry">The user's layers the run's network names, if any.</param>
    public static RunStart Load(string path, RunConfig config, LayerRegistry? registry = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(config);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such checkpoint.", path);
        }
        var (tensors, metadata) = SafeTensors.Decode(File.ReadAllBytes(path), path);
        string Meta(string key) => metadata.TryGetValue(key, out var v) ? v : throw new InvalidDataException($"{path}: metadata '{key}' is missing.");
        if (Meta("format") != "functional-checkpoint" || Meta("version") != "1")
        {
            throw new InvalidDataException($"{path}: not a version-1 functional checkpoint (format '{Meta("format")}', version '{Meta("version")}').");
        }
        var stored = Meta(ChecksumKey);
        var unsealed = metadata.Where(kv => kv.Key != ChecksumKey).ToDictionary(kv => kv.Key, kv => kv.Value);
        if (Checksum(SafeTensors.Encode(tensors, unsealed)) != stored)
        {
            throw new InvalidDataException($"{path}: checksum mismatch: the checkpoint was edited or damaged.");
        }
        // A checkpoint written before layers composed names its MLP the old way; read that into a network to compare.
        var legacy = metadata.ContainsKey("net") ? null : LegacyNetwork(metadata, path, config.Network);
        var (net, sameNetwork) = legacy is null
            ? (Meta("net"), SameNetwork(metadata, path, config.Network, registry))
            : (legacy.Spec, legacy.Equals(config.Network));
        if (Meta("data_sha256") != config.DataSha256 || !sameNetwork)
        {
            throw new InvalidDataException($"{path}: the checkpoint belongs to another run (network {net}, data {Prefix(Meta("data_sha256"))}; this run: network {config.Network.Spec}, data {Prefix(config.DataSha256)}).");
        }
        if (!long.TryParse(Meta("step"), NumberStyles.None, CultureInfo.InvariantCulture, out var step) || step < 1 || step > config.Train.Steps)
        {
            throw new InvalidDataException($"{path}: step '{Meta("step")}' is not within the run's {config.Train.Steps} steps.");
        }
        var expectedKey = TrainingFold.Keys(config.Train.Seed).Batches;
        if (Meta("batch_key") != expectedKey.State.ToString("X16", CultureInfo.InvariantCulture))
        {
            throw new InvalidDataException($"{path}: batch key {Meta("batch_key")} is not the one seed {config.Train.Seed} gives.");
        }
        var losses = Required(tensors, LossesKey, path);
        var epochs = Required(tensors, EpochsKey, path);
        if (losses.Length != step || epochs.Rank != 2 || epochs.Shape[1] != 5)
        {
            throw new InvalidDataException($"{path}: history of shape {losses.Shape} and {epochs.Shape} does not fit step {step}.");
        }
        var saved = ParamTree<double>.Of(tensors.Leaves.Where(kv =>
            !kv.Key.StartsWith("run.", StringComparison.Ordinal) && !kv.Key.StartsWith(TrainState.OptimizerPrefix, StringComparison.Ordinal)));
        var buffers = tensors.Leaves.Where(kv => kv.Key.StartsWith(TrainState.OptimizerPrefix, StringComparison.Ordinal))
            .Select(kv => KeyValuePair.Create(kv.Key[TrainState.OptimizerPrefix.Length..], kv.Value)).ToArray();
        // Checkpoints from before optimizers existed have no count: plain SGD's count is the step.
        long count = step;
        if (metadata.TryGetValue("optimizer_count", out var c) && !long.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out count))
        {
            throw new InvalidDataException($"{path}: optimizer_count '{c}' is not a non-negative integer.");
        }
        // Training never continues from NaN or ±∞ (the run would have stopped as diverged): such a file is damaged.
        SafeTensors.RequireFinite(tensors, path, key => !key.StartsWith("run.", StringComparison.Ordinal));
        OptimizerState<double> optimizer;
        ParamTree<double> parameters, networkState;
        try
        {
            (parameters, networkState) = Mlp.Split(config.Network, saved);
            optimizer = buffers.Length == 0 ? OptimizerState<double>.Empty with { Count = count } : OptimizerState<double>.Unflatten(count, ParamTree<double>.Of(buffers));
            var expected = config.Train.Rule.Init(parameters);
            if (!expected.Slots.Keys.SequenceEqual(optimizer.Slots.Keys, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"the {config.Train.Optimizer.Name} optimizer keeps buffers [{string.Join(", ", expected.Slots.Keys)}], the checkpoint [{string.Join(", ", optimizer.Slots.Keys)}] (the run's update: {config.Train.Transform.Spec}).");
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
        var e5 = epochs.ToArray();
        var reports = Enumerable.Range(0, epochs.Shape[0])
            .Select(i => new EpochReport((int)e5[5 * i], (long)e5[(5 * i) + 1], e5[(5 * i) + 2], e5[(5 * i) + 3], e5[(5 * i) + 4]))
            .ToArray();
        var restored = new TrainState<double>(parameters, step, new RngKey(expectedKey.State)) { State = networkState, Optimizer = optimizer };
        return new RunStart(TrainState.FromFloat64(restored, config.Train.Precision), new RunHistory(losses.ToArray(), reports));
    }

    /// <summary>
    /// The newest checkpoint that loads and checks, and the files skipped on the way with the reason (a torn or
    /// damaged file is skipped, not trusted). Null when there is none.
    /// </summary>
    public static (RunStart? Start, IReadOnlyList<string> Skipped) LoadNewest(string runDirectory, RunConfig config)
    {
        var skipped = new List<string>();
        var directory = DirectoryOf(runDirectory);
        if (!Directory.Exists(directory))
        {
            return (null, skipped);
        }
        foreach (var file in Directory.GetFiles(directory, "step-*.safetensors").OrderDescending(StringComparer.Ordinal))
        {
            try
            {
                return (Load(file, config), skipped);
            }
            catch (InvalidDataException e)
            {
                skipped.Add(e.Message);
            }
        }
        return (null, skipped);
    }

    // The checkpoint's "net" and "input" describe the run's network: the same text, or, written another way (spacing,
    // numbers' form, a spec written by another version), a network equal to it. A spec naming a user's layer is read
    // with the registry; without it only the same text matches.
    private static bool SameNetwork(IReadOnlyDictionary<string, string> metadata, string path, Network run, LayerRegistry? registry)
    {
        var written = ModelMetadata.Of(run);
        if (metadata["net"] == written["net"] && metadata.GetValueOrDefault("input") == written["input"])
        {
            return true;
        }
        try
        {
            return ModelMetadata.Read(metadata, path, registry).Equals(run);
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    // Checkpoints written before layers composed name the MLP by "network" (widths) and "activations" alone: BatchNorm
    // and the dropout ratio were in config.json only, so they are the run's, unless the checkpoint names them.
    private static Network LegacyNetwork(IReadOnlyDictionary<string, string> metadata, string path, Network run)
    {
        var completed = new Dictionary<string, string>(metadata);
        completed.TryAdd("batchnorm", run.Layers.OfType<BatchNormLayer>().Any() ? "true" : "false");
        completed.TryAdd("dropout", (run.Layers.OfType<DropoutLayer>().FirstOrDefault()?.Ratio ?? 0).ToString("R", CultureInfo.InvariantCulture));
        return ModelMetadata.Read(completed, path);
    }

    private static string Prefix(string hash) => hash.Length > 12 ? hash[..12] + "…" : hash;

    private static Tensor<double> Required(ParamTree<double> tensors, string key, string path) =>
        tensors.Leaves.TryGetValue(key, out var t) ? t : throw new InvalidDataException($"{path}: tensor '{key}' is missing.");

    private static string Checksum(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
