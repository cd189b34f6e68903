using System.Globalization;
using System.Security.Cryptography;
using Functional.Facade.Data;
using Functional.Facade.IO;
using Functional.Facade.Replay;
using Functional.Facade.Training;
using Functional.Networks;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Unit.Tests.Optimizers;

public sealed class ChainCheckpointTests : IDisposable
{
    private static readonly MnistData Data = Mnist.LoadEmbedded();
    private static readonly Network Network = Network.TwoLayerNet(784, 6, 10);
    private readonly string _directory = Directory.CreateTempSubdirectory("functional-chain-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (TrainState State, double[] Losses) Run(TrainConfig config, int steps)
    {
        var state = TrainingFold.Start(Network, config);
        var losses = new List<double>();
        for (var i = 0; i < steps; i++)
        {
            var step = TrainingFold.Step(Network, state, Data.Train, config);
            (state, losses) = (step.State, [.. losses, step.Loss]);
        }
        return (state, [.. losses]);
    }

    [Fact]
    public void A_chain_with_a_user_link_checkpoints_every_links_slots_and_resumes_bit_identically()
    {
        var train = new TrainConfig(10, 10, 0.01, seed: 5, transform: Chain.Of(new ChainTests.Accumulate(), new ClipByGlobalNorm(1), new Momentum()));
        var config = new RunConfig(Network, train, null, Data.Fingerprint, 1, 1, "test");
        var (state, losses) = Run(train, 3);
        Assert.Contains("optimizer.accumulate.sum/W1", state.LeafHashes().Keys);
        Assert.Contains("optimizer.velocity/W1", state.LeafHashes().Keys);
        Checkpoints.Write(_directory, new RunStart(state, new RunHistory(losses, [])), config);
        var path = Checkpoints.PathOf(_directory, 3);
        var (tensors, _) = SafeTensors.Decode(File.ReadAllBytes(path), path);
        Assert.Contains("optimizer.accumulate.sum/b2", tensors.Keys);
        Assert.Contains("optimizer.velocity/b2", tensors.Keys);

        var loaded = Checkpoints.Load(path, config).State;
        Assert.Equal(state.LeafHashes(), loaded.LeafHashes());
        Assert.Equal(state.As<double>().Optimizer, loaded.As<double>().Optimizer);
        Assert.Equal(
            TrainingFold.Step(Network, state, Data.Train, train).State.LeafHashes(),
            TrainingFold.Step(Network, loaded, Data.Train, train).State.LeafHashes());

        // The same file is not this run's if its chain keeps other slots.
        var other = config with { Train = new TrainConfig(10, 10, 0.01, seed: 5, transform: Chain.Of(new ClipByGlobalNorm(1), new Momentum())) };
        var error = Assert.Throws<InvalidDataException>(() => Checkpoints.Load(path, other));
        Messages.Names(error, path, "keeps buffers [velocity]", "the checkpoint [accumulate.sum, velocity]");
    }

    [Fact]
    public void A_checkpoint_laid_out_as_before_chains_loads_into_the_default_chain_and_continues_the_run()
    {
        // Written by hand as checkpoints have always been written: Adam's buffers as "optimizer.m/…" and
        // "optimizer.v/…", the count in the metadata, sealed by the SHA-256 of the unsealed file.
        var train = new TrainConfig(10, 10, 0.01, seed: 6, optimizer: new Adam(), weightDecay: 1e-3, clipNorm: 1);
        var config = new RunConfig(Network, train, null, Data.Fingerprint, 1, 1, "test");
        var (state, losses) = Run(train, 2);
        var typed = state.As<double>();
        var leaves = typed.Params.Leaves.ToList();
        foreach (var slot in new[] { "m", "v" })
        {
            leaves.AddRange(typed.Optimizer.Slots[slot].Leaves.Select(kv => KeyValuePair.Create($"optimizer.{slot}/{kv.Key}", kv.Value)));
        }
        leaves.Add(KeyValuePair.Create("run.step_losses", Tensor.FromArray(losses, losses.Length)));
        leaves.Add(KeyValuePair.Create("run.epochs", Tensor.Zeros<double>(0, 5)));
        var tensors = ParamTree<double>.Of(leaves);
        var metadata = new Dictionary<string, string>(ModelMetadata.Of(Network))
        {
            ["format"] = "functional-checkpoint",
            ["version"] = "1",
            ["step"] = "2",
            ["batch_key"] = state.BatchKey.State.ToString("X16", CultureInfo.InvariantCulture),
            ["optimizer_count"] = "2",
            ["data_sha256"] = Data.Fingerprint,
        };
        metadata["checksum"] = Convert.ToHexStringLower(SHA256.HashData(SafeTensors.Encode(tensors, metadata)));
        var path = Checkpoints.PathOf(_directory, 2);
        Directory.CreateDirectory(Checkpoints.DirectoryOf(_directory));
        File.WriteAllBytes(path, SafeTensors.Encode(tensors, metadata));

        var loaded = Checkpoints.Load(path, config).State;
        Assert.Equal(state.LeafHashes(), loaded.LeafHashes());
        Assert.Equal(Run(train, 3).State.LeafHashes(), TrainingFold.Step(Network, loaded, Data.Train, train).State.LeafHashes());
    }

    [Fact]
    public void Config_json_keeps_a_named_chain_and_refuses_one_it_cannot_read_back()
    {
        var train = new TrainConfig(10, 10, 0.01, transform: Chain.Of(new ClipByGlobalNorm(1), new AddDecayedWeights(1e-4), new Adam()));
        var config = new RunConfig(Network, train, null, Data.Fingerprint, 1, 0, "test");
        var json = config.ToJson();
        Assert.Equal("clip:1,decay:0.0001,adam", (string?)json["transform"]);
        var read = RunConfig.FromJson(json, "config.json");
        Assert.Equal(train.Transform, read.Train.Transform);
        Assert.Equal(train.ExplicitTransform, read.Train.ExplicitTransform);

        // A config with the default chain is written as before: no "transform".
        Assert.Null(new RunConfig(Network, new TrainConfig(optimizer: new Adam(), weightDecay: 0.1), null, "x", 1, 0, "test").ToJson()["transform"]);

        var custom = config with { Train = new TrainConfig(10, 10, 0.01, transform: Chain.Of(new ChainTests.Accumulate(), new Adam(Beta1: 0.8))) };
        var error = Assert.Throws<InvalidOperationException>(() => custom.ToJson());
        Messages.Names(error, "RunConfig.ToJson", "accumulate,adam", "cannot be written to config.json");
        var tuned = config with { Train = new TrainConfig(10, 10, 0.01, transform: Chain.Of(new Adam(Beta1: 0.8))) };
        Assert.Throws<InvalidOperationException>(() => tuned.ToJson());
    }
}
