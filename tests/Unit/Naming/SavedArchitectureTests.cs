using System.Security.Cryptography;
using Functional.Composition;
using Functional.Facade;
using Functional.Facade.Naming;
using Functional.Facade.IO;
using Functional.Facade.Replay;
using Functional.Facade.Training;
using Functional.Initializers;
using Functional.Layers;
using Functional.Networks;
using Functional.Parameters;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Unit.Tests.Naming;

/// <summary>What saved files record of the architecture: the spec, files written before specs existed, user layers.</summary>
public sealed class SavedArchitectureTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("functional-saved-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    // Distinct, deterministic values: every element of every tensor matters to the predictions.
    private static Tensor<double> Values(int seed, params int[] shape) =>
        Tensor.FromArray([.. Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(i => 0.7 * Math.Sin((seed * 31) + (i * 1.3)))], shape);

    private static Tensor<double> Positive(int seed, int n) => Tensor.FromArray([.. Enumerable.Range(0, n).Select(i => 0.5 + Math.Abs(Math.Sin(seed + i)))], n);

    private static Tensor<double> AffineOf(ParamTree<double> t, int k, Tensor<double> x) => Affine.Forward(new AffineParams<double>(t[$"W{k}"], t[$"b{k}"]), x).Output;

    private static Tensor<double> BatchNormOf(ParamTree<double> t, int k, Tensor<double> x) => BatchNorm.ForwardInference(
        new BatchNormParams<double>(t[$"gamma{k}"], t[$"beta{k}"]), new BatchNormState<double>(t[$"mean{k}"], t[$"var{k}"]), x);

    private static long[] Bits(Tensor<double> t) => [.. t.ToArray().Select(BitConverter.DoubleToInt64Bits)];

    private string WriteLegacy(string name, ParamTree<double> tensors, Dictionary<string, string> metadata)
    {
        var path = PathOf(name);
        File.WriteAllBytes(path, SafeTensors.Encode(tensors, metadata));
        return path;
    }

    [Fact]
    public void A_TwoLayerNet_file_written_the_old_way_loads_and_predicts_as_the_books_forward_pass()
    {
        var tensors = ParamTree<double>.Of([new("W1", Values(1, 784, 12)), new("b1", Values(2, 12)), new("W2", Values(3, 12, 10)), new("b2", Values(4, 10))]);
        var path = WriteLegacy("old.safetensors", tensors, new() { ["network"] = "784,12,10", ["activations"] = "relu", ["step"] = "100" });

        var model = Model.Load(path);
        Assert.Equal(Network.TwoLayerNet(784, 12, 10), model.Network);
        Assert.Equal("affine:12,relu,affine:10", model.Network.Spec);
        var x = Values(5, 3, 784);
        var expected = AffineOf(tensors, 2, Relu.Apply(AffineOf(tensors, 1, x)));
        Assert.Equal(Bits(expected), Bits(model.Scores(x)));
    }

    [Fact]
    public void A_BatchNorm_and_Dropout_file_written_the_old_way_loads_and_predicts_as_before()
    {
        // Old files named BatchNorm's tensors gamma1, beta1 (trained) and mean1, var1 (running statistics) beside W1, b1.
        var tensors = ParamTree<double>.Of([
            new("W1", Values(1, 6, 5)), new("b1", Values(2, 5)), new("gamma1", Values(3, 5)), new("beta1", Values(4, 5)), new("mean1", Values(5, 5)), new("var1", Positive(6, 5)),
            new("W2", Values(7, 5, 4)), new("b2", Values(8, 4)), new("gamma2", Values(9, 4)), new("beta2", Values(10, 4)), new("mean2", Values(11, 4)), new("var2", Positive(12, 4)),
            new("W3", Values(13, 4, 3)), new("b3", Values(14, 3)),
        ]);
        var path = WriteLegacy("old-bn.safetensors", tensors,
            new() { ["network"] = "6,5,4,3", ["activations"] = "tanh,tanh", ["batchnorm"] = "true", ["dropout"] = "0.2" });

        var model = Model.Load(path);
        Assert.Equal("affine:5,batchnorm,tanh,dropout:0.2,affine:4,batchnorm,tanh,dropout:0.2,affine:3", model.Network.Spec);
        Assert.Equal(["mean1", "mean2", "var1", "var2"], model.State.Keys);
        // The old network at inference: Affine → BatchNorm (running statistics) → tanh → (Dropout passes x through) → …
        var x = Values(15, 4, 6);
        var h1 = Tanh.Forward(BatchNormOf(tensors, 1, AffineOf(tensors, 1, x))).Output;
        var h2 = Tanh.Forward(BatchNormOf(tensors, 2, AffineOf(tensors, 2, h1))).Output;
        Assert.Equal(Bits(AffineOf(tensors, 3, h2)), Bits(model.Scores(x)));

        // Saved again, it records the spec and loads to the same model.
        model.Save(PathOf("new.safetensors"));
        var (_, metadata) = SafeTensors.Decode(File.ReadAllBytes(PathOf("new.safetensors")), "new.safetensors");
        Assert.Equal(model.Network.Spec, metadata["net"]);
        Assert.Equal("6", metadata["input"]);
        Assert.False(metadata.ContainsKey("network"));
        var reloaded = Model.Load(PathOf("new.safetensors"));
        Assert.Equal(model.Network, reloaded.Network);
        Assert.Equal(Bits(model.Scores(x)), Bits(reloaded.Scores(x)));
    }

    [Fact]
    public void A_run_config_in_the_old_form_loads()
    {
        var path = PathOf("config.json");
        File.WriteAllText(path, """
            {
              "format": "functional-run",
              "version": 1,
              "network": [784, 20, 12, 10],
              "activations": ["tanh", "tanh"],
              "batchnorm": true,
              "dropout": 0.2,
              "steps": 300,
              "batch_size": 100,
              "learning_rate": 0.002,
              "seed": 7,
              "weight_std": 0.01,
              "optimizer": "adam",
              "schedule": "cosine",
              "weight_decay": 0.0001,
              "clip_norm": 5,
              "init": "he",
              "precision": "float64",
              "data": null,
              "data_sha256": "0123456789abcdef",
              "log_every": 1,
              "checkpoint_every": 100,
              "library_version": "0.2.0"
            }
            """);
        var config = RunConfig.Load(path);
        Assert.Equal(Network.Mlp([784, 20, 12, 10], [Activation.Tanh, Activation.Tanh], batchNorm: true, dropout: 0.2), config.Network);
        Assert.Equal("affine:20,batchnorm,tanh,dropout:0.2,affine:12,batchnorm,tanh,dropout:0.2,affine:10", config.Network.Spec);
        Assert.Equal((300, "adam", "cosine", 5.0, "he"), (config.Train.Steps, config.Train.Optimizer.Name, config.Train.Schedule.Spec, config.Train.ClipNorm!.Value, config.Train.Initializer.Spec));
        Assert.Equal(100, config.CheckpointEvery);
    }

    private static readonly RunConfig BatchNormRun = new(Network.Mlp([4, 3, 2], [Activation.Relu], batchNorm: true, dropout: 0.2),
        new TrainConfig(10, 2, seed: 5), null, "0123456789abcdef0123", 1, 1, "test");

    // A checkpoint as the library wrote it before specs: the network named by "network" and "activations" alone
    // (BatchNorm and dropout were in config.json), sealed with the checksum over the rest.
    private string LegacyCheckpoint(RunConfig config, string widths, string activations)
    {
        var values = Mlp.Initial(config.Network, RngKey.FromSeed(1), new NormalInit(0.1));
        var state = new TrainState<double>(values.Params, 2, TrainingFold.Keys(config.Train.Seed).Batches) { State = values.State };
        var (tensors, written) = SafeTensors.Decode(Checkpoints.Encode(new RunStart(state, new RunHistory([1.0, 0.5], [])), config), "new");
        var metadata = written.Where(kv => kv.Key is not ("net" or "input" or "checksum")).ToDictionary(kv => kv.Key, kv => kv.Value);
        metadata["network"] = widths;
        metadata["activations"] = activations;
        metadata["checksum"] = Convert.ToHexStringLower(SHA256.HashData(SafeTensors.Encode(tensors, metadata)));
        var path = Checkpoints.PathOf(_directory, 2);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, SafeTensors.Encode(tensors, metadata));
        return path;
    }

    [Fact]
    public void A_checkpoint_with_legacy_metadata_is_accepted_for_the_same_network()
    {
        var path = LegacyCheckpoint(BatchNormRun, "4,3,2", "relu");
        var start = Checkpoints.Load(path, BatchNormRun);
        var values = Mlp.Initial(BatchNormRun.Network, RngKey.FromSeed(1), new NormalInit(0.1));
        Assert.Equal(values.Params, start.State.ToFloat64().Params);
        Assert.Equal(values.State, start.State.ToFloat64().State);
        Assert.Equal(2, start.State.Step);
    }

    [Theory]
    [InlineData("affine:3, batchnorm:0.9:1e-06 ,relu,dropout:0.20,affine:2", "4", true)]   // the same network, written another way
    [InlineData("affine:3,batchnorm,relu,dropout:0.2,affine:2", "4", true)]
    [InlineData("affine:3,batchnorm,tanh,dropout:0.2,affine:2", "4", false)]
    [InlineData("affine:3,batchnorm,relu,dropout:0.2,affine:2", "2,2", false)]
    [InlineData("affine:3,unknown,affine:2", "4", false)]
    public void A_checkpoint_is_the_runs_when_its_net_describes_the_same_network_however_written(string net, string input, bool accepted)
    {
        var values = Mlp.Initial(BatchNormRun.Network, RngKey.FromSeed(1), new NormalInit(0.1));
        var state = new TrainState<double>(values.Params, 2, TrainingFold.Keys(BatchNormRun.Train.Seed).Batches) { State = values.State };
        var (tensors, written) = SafeTensors.Decode(Checkpoints.Encode(new RunStart(state, new RunHistory([1.0, 0.5], [])), BatchNormRun), "new");
        var metadata = written.Where(kv => kv.Key != "checksum").ToDictionary(kv => kv.Key, kv => kv.Value);
        (metadata["net"], metadata["input"]) = (net, input);
        metadata["checksum"] = Convert.ToHexStringLower(SHA256.HashData(SafeTensors.Encode(tensors, metadata)));
        var path = Checkpoints.PathOf(_directory, 2);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, SafeTensors.Encode(tensors, metadata));
        if (accepted)
        {
            Assert.Equal(values.State, Checkpoints.Load(path, BatchNormRun).State.ToFloat64().State);
        }
        else
        {
            var error = Assert.Throws<InvalidDataException>(() => Checkpoints.Load(path, BatchNormRun));
            Assert.Contains("belongs to another run", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("4,5,2", "relu")]
    [InlineData("4,3,2", "tanh")]
    public void A_checkpoint_with_legacy_metadata_is_refused_for_another_network(string widths, string activations)
    {
        var path = LegacyCheckpoint(BatchNormRun, widths, activations);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoints.Load(path, BatchNormRun));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("belongs to another run", error.Message, StringComparison.Ordinal);
        Assert.Contains($"this run: network {BatchNormRun.Network.Spec}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_with_legacy_metadata_is_refused_for_a_run_of_other_layers_around_the_same_widths()
    {
        var path = LegacyCheckpoint(BatchNormRun, "4,3,2", "relu");
        var plain = BatchNormRun with { Network = Network.Mlp([4, 3, 2], [Activation.Relu]) };
        // The widths and activations agree, so the checkpoint is the run's; its BatchNorm tensors then do not fit.
        var error = Assert.Throws<InvalidDataException>(() => Checkpoints.Load(path, plain));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("gamma1", error.Message, StringComparison.Ordinal);
    }

    private static Network UserNetwork() =>
        new(new Shape(3), Sequential.Of(new AffineLayer(4), new ShiftLayer(), new ScaleLayer(0.5), new TanhLayer(), new AffineLayer(2)));

    [Fact]
    public void A_model_naming_a_user_layer_loads_only_with_a_registry_that_has_it()
    {
        var network = UserNetwork();
        var model = new Model(network, Mlp.Initial(network, RngKey.FromSeed(3), new NormalInit(1.0)));
        Assert.Contains("shift1.offset", model.Parameters.Keys);
        var path = PathOf("user.safetensors");
        model.Save(path);

        var loaded = Model.Load(path, registry: UserLayers.Registry);
        Assert.Equal(network, loaded.Network);
        var x = Values(1, 5, 3);
        Assert.Equal(Bits(model.Scores(x)), Bits(loaded.Scores(x)));

        var unregistered = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.StartsWith($"{path}: NetSpec: ", unregistered.Message, StringComparison.Ordinal);
        Assert.Contains("unknown layer 'shift'", unregistered.Message, StringComparison.Ordinal);
        Assert.Contains("registered in a LayerRegistry", unregistered.Message, StringComparison.Ordinal);

        var partial = Assert.Throws<InvalidDataException>(() => Model.Load(path, registry: LayerRegistry.BuiltIn.With("shift", () => new ShiftLayer())));
        Assert.StartsWith($"{path}: NetSpec: ", partial.Message, StringComparison.Ordinal);
        Assert.Contains("unknown layer 'scale'", partial.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_config_naming_a_user_layer_loads_only_with_a_registry_that_has_it()
    {
        var config = new RunConfig(UserNetwork(), new TrainConfig(10, 2), null, "abc", 1, 0, "test");
        var path = PathOf("config.json");
        File.WriteAllText(path, config.ToJson().ToJsonString());
        Assert.Equal(config.Network, RunConfig.Load(path, UserLayers.Registry).Network);
        var error = Assert.Throws<InvalidDataException>(() => RunConfig.Load(path));
        Assert.StartsWith($"{path}: NetSpec: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown layer 'shift'", error.Message, StringComparison.Ordinal);
    }
}
