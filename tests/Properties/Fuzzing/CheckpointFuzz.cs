using System.Security.Cryptography;
using CsCheck;
using Functional.Facade.IO;
using Functional.Facade.Replay;
using Functional.Facade.Training;
using Functional.Networks;
using Functional.Facade.Naming;
using Functional.Parameters;
using Functional.Properties.Tests.Support;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Properties.Tests.Fuzzing;

/// <summary>Checkpoints.Load on corruptions of a valid checkpoint, with and without a re-computed checksum.</summary>
public sealed class CheckpointFuzz : IDisposable
{
    private static readonly Network Net = Network.TwoLayerNet(3, 4, 2);
    private static readonly RunConfig Config = new(Net, new TrainConfig(10, 2, seed: 5, optimizer: OptimizerNames.Parse("momentum")), null, "0123456789abcdef0123456789abcdef", 1, 1, "test");
    private static readonly RunStart Start = MakeStart();
    private static readonly byte[] ValidBytes = Checkpoints.Encode(Start, Config);

    private readonly string _directory = Fuzz.TempDirectory("checkpoint");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static RunStart MakeStart()
    {
        var parameters = Mlp.Init(Net, RngKey.FromSeed(1), 0.3);
        var optimizer = Config.Train.Rule.Init(parameters);
        var state = new TrainState<double>(parameters, 3, TrainingFold.Keys(5).Batches) { Optimizer = optimizer with { Count = 3 } };
        return new RunStart(state, new RunHistory([2.3, 2.1, 1.9], [new EpochReport(1, 2, 2.2, 0.5, 0.25)]));
    }

    private bool LoadsOrRefuses(byte[] bytes, string what)
    {
        var path = Path.Combine(_directory, "step-000000003.safetensors");
        File.WriteAllBytes(path, bytes);
        return Fuzz.LoadsOrRefuses(() => Checkpoints.Load(path, Config), path, bytes.Length, what);
    }

    /// <summary>Re-seals edited tensors and metadata the way Checkpoints does, so the checks behind the checksum are reached.</summary>
    private static byte[] Reseal(ParamTree<double> tensors, Dictionary<string, string> metadata)
    {
        metadata.Remove("checksum");
        metadata["checksum"] = Convert.ToHexStringLower(SHA256.HashData(SafeTensors.Encode(tensors, metadata)));
        return SafeTensors.Encode(tensors, metadata);
    }

    [Fact]
    public void The_valid_checkpoint_loads_and_truncation_at_every_length_is_refused()
    {
        Assert.True(LoadsOrRefuses(ValidBytes, "valid"));
        Assert.Equal(Start.State.ToFloat64().Params, Checkpoints.Load(Path.Combine(_directory, "step-000000003.safetensors"), Config).State.ToFloat64().Params);
        for (var n = 0; n < ValidBytes.Length; n += n < 64 ? 1 : 7)
        {
            Assert.False(LoadsOrRefuses(ValidBytes[..n], $"truncated to {n}"));
        }
    }

    [Fact]
    public void Any_byte_damage_is_refused_by_the_checksum_or_before()
    {
        var gen = Gen.OneOf(Fuzz.Flips(0, ValidBytes.Length), Fuzz.Splice(0, ValidBytes.Length));
        PropertyCheck.ForAll(gen, c =>
        {
            var bytes = c.Apply(ValidBytes);
            // A flip in the header's padding spaces that makes other whitespace is the one harmless change.
            Assert.True(!LoadsOrRefuses(bytes, c.Name) || SafeTensors.Decode(bytes, "x").Parameters.Equals(SafeTensors.Decode(ValidBytes, "x").Parameters), $"{c.Name} loaded");
        }, runs: 150);
    }

    private static Gen<(string Name, Action<Dictionary<string, string>, List<KeyValuePair<string, Tensor<double>>>> Edit)> ResealedEdit { get; } = Gen.OneOf(
        Gen.Select(Gen.OneOf("format", "version", "step", "batch_key", "optimizer_count", "network", "activations", "data_sha256"),
            Gen.OneOf("", "x", "0", "-1", "3", "4", "11", "99999999999999999999", "3,4,2", "3,5,2", "relu", "sigmoid", "0123", "FFFFFFFFFFFFFFFF", "functional-checkpoint", "2")).Select((k, v) =>
            ($"metadata {k} = '{v}'", (Action<Dictionary<string, string>, List<KeyValuePair<string, Tensor<double>>>>)((m, _) => m[k] = v))),
        Gen.OneOf("format", "version", "step", "batch_key", "optimizer_count", "network", "activations", "data_sha256").Select(k =>
            ($"remove metadata {k}", (Action<Dictionary<string, string>, List<KeyValuePair<string, Tensor<double>>>>)((m, _) => m.Remove(k)))),
        Gen.OneOf("W1", "b1", "W2", "b2", "run.step_losses", "run.epochs", "optimizer.velocity/W1").Select(k =>
            ($"remove tensor {k}", (Action<Dictionary<string, string>, List<KeyValuePair<string, Tensor<double>>>>)((_, t) => t.RemoveAll(kv => kv.Key.StartsWith(k, StringComparison.Ordinal))))),
        Gen.Select(Gen.Int[0, 6], Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e308, -0.0)).Select((i, v) =>
            ($"tensor #{i} element 0 = {v}", (Action<Dictionary<string, string>, List<KeyValuePair<string, Tensor<double>>>>)((_, t) =>
            {
                var j = i % t.Count;
                var values = t[j].Value.ToArray();
                if (values.Length > 0)
                {
                    values[0] = v;
                    t[j] = new(t[j].Key, Tensor.FromArray(values, [.. t[j].Value.Shape.Dims]));
                }
            }))),
        Gen.Select(Gen.Int[0, 6], Gen.OneOf(new[] { 0 }, [1], [2, 2], [5], [0, 5], [3, 5], [1, 1, 1])).Select((i, shape) =>
            ($"tensor #{i} reshaped to [{string.Join(",", shape)}]", (Action<Dictionary<string, string>, List<KeyValuePair<string, Tensor<double>>>>)((_, t) =>
            {
                var j = i % t.Count;
                var count = shape.Aggregate(1, (a, b) => a * b);
                t[j] = new(t[j].Key, Tensor.FromArray(new double[count], shape));
            }))),
        Gen.OneOf("W3", "optimizer.velocity/W3", "optimizer.other/W1", "run.other").Select(k =>
            ($"add tensor {k}", (Action<Dictionary<string, string>, List<KeyValuePair<string, Tensor<double>>>>)((_, t) =>
            {
                t.RemoveAll(kv => kv.Key == k);
                t.Add(new(k, Tensor.Vector<double>(1, 2)));
            }))));

    [Fact]
    public void Edits_behind_a_valid_checksum_are_refused_naming_the_file_unless_they_leave_a_valid_checkpoint()
    {
        var (tensors, metadata) = SafeTensors.Decode(ValidBytes, "valid");
        Assert.Equal(ValidBytes, Reseal(tensors, metadata.ToDictionary(kv => kv.Key, kv => kv.Value)));   // edits below reach the checks behind the checksum
        PropertyCheck.ForAll(ResealedEdit.Array[1, 3], edits =>
        {
            var m = metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
            var t = tensors.Leaves.ToList();
            foreach (var (_, edit) in edits)
            {
                edit(m, t);
            }
            var what = string.Join("; ", edits.Select(e => e.Name));
            if (LoadsOrRefuses(Reseal(ParamTree<double>.Of(t), m), what))
            {
                // Loading is right only for an edit that left the values a checkpoint may hold (e.g. −0 or 1e308, or a loss of NaN).
                var loaded = Checkpoints.Load(Path.Combine(_directory, "step-000000003.safetensors"), Config);
                Assert.True(loaded.State.ToFloat64().Params.Leaves.Values.All(x => x.ToArray().All(double.IsFinite)), $"{what}: loaded non-finite parameters");
                Assert.Equal(Net.Sizes.Length, (loaded.State.ToFloat64().Params.Leaves.Count / 2) + 1);
            }
        }, runs: 200, print: edits => string.Join("; ", edits.Select(e => e.Name)));
    }
}
