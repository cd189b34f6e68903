using Functional.Facade;
using Functional.Facade.IO;
using Functional.Facade.Replay;
using Functional.Facade.Training;
using Functional.Networks;
using Functional.Parameters;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;
using Functional.Unit.Tests.Cli;

namespace Functional.Unit.Tests.IO;

public sealed class NonFiniteTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("functional-nonfinite-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Model Small() => NetworkBuilder.Create(seed: 3, weightStd: 0.5).Affine(3, 4).Relu().Affine(4, 2).SoftmaxWithLoss().Build();

    private static Model WithValue(Model model, string key, int index, double value)
    {
        var values = model.Parameters[key].ToArray();
        values[index] = value;
        return model.WithParameters(model.Parameters.With(key, Tensor.FromArray(values, [.. model.Parameters[key].Shape.Dims])));
    }

    [Theory]
    [InlineData("W1", 5, double.NaN, "NaN")]
    [InlineData("b2", 0, double.PositiveInfinity, "+∞")]
    [InlineData("W2", 0, double.NegativeInfinity, "−∞")]
    public void A_model_holding_a_non_finite_parameter_is_refused_naming_the_file_tensor_index_and_value(string key, int index, double value, string shown)
    {
        var path = Path.Combine(_directory, "model.safetensors");
        WithValue(WithValue(Small(), key, index, value), key, index + 1, double.NaN).Save(path);   // the first bad element is named
        var message = Assert.Throws<InvalidDataException>(() => Model.Load(path)).Message;
        Assert.Contains(path, message, StringComparison.Ordinal);
        Assert.Contains($"tensor '{key}'", message, StringComparison.Ordinal);
        Assert.Contains($"element {index} ", message, StringComparison.Ordinal);
        Assert.Contains($"is {shown};", message, StringComparison.Ordinal);
        Assert.Contains("allowNonFinite", message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowNonFinite_loads_the_parameters_as_they_are()
    {
        var path = Path.Combine(_directory, "model.safetensors");
        var model = WithValue(Small(), "W1", 2, double.NaN);
        model.Save(path);
        Assert.Equal(model.Parameters, Model.Load(path, allowNonFinite: true).Parameters);
    }

    [Fact]
    public void A_checkpoint_holding_a_non_finite_parameter_is_refused_and_LoadNewest_skips_it()
    {
        var network = Network.TwoLayerNet(3, 4, 2);
        var config = new RunConfig(network, new TrainConfig(10, 2, seed: 5), null, "0123456789abcdef0123", 1, 1, "test");
        var parameters = Mlp.Init(network, RngKey.FromSeed(1), 0.1);
        var bad = parameters.With("b1", Tensor.Vector(0, 0, double.PositiveInfinity, 0));
        var state = new TrainState<double>(bad, 2, TrainingFold.Keys(5).Batches);
        Checkpoints.Write(_directory, new RunStart(state, new RunHistory([1.0, 0.5], [])), config);
        var path = Checkpoints.PathOf(_directory, 2);
        var message = Assert.Throws<InvalidDataException>(() => Checkpoints.Load(path, config)).Message;
        Assert.Contains(path, message, StringComparison.Ordinal);
        Assert.Contains("tensor 'b1'", message, StringComparison.Ordinal);
        Assert.Contains("element 2 ", message, StringComparison.Ordinal);
        var (start, skipped) = Checkpoints.LoadNewest(_directory, config);
        Assert.Null(start);
        Assert.Equal(message, Assert.Single(skipped));

        // The same checkpoint with finite values loads: the refusal is the infinity's.
        Checkpoints.Write(_directory, new RunStart(state with { Params = parameters }, new RunHistory([1.0, 0.5], [])), config);
        Assert.Equal(parameters, Checkpoints.Load(path, config).State.ToFloat64().Params);
    }

    [Fact]
    public void SafeTensors_Decode_itself_reads_non_finite_values_as_they_are()
    {
        var tree = ParamTree<double>.Of([new("x", Tensor.Vector(double.NaN, double.NegativeInfinity, 1))]);
        Assert.Equal(tree, SafeTensors.Decode(SafeTensors.Encode(tree), "x").Parameters);
        Assert.Throws<InvalidDataException>(() => SafeTensors.RequireFinite(tree, "x"));
        SafeTensors.RequireFinite(tree, "x", key => key != "x");
    }

    private string MnistModel()
    {
        var network = Network.TwoLayerNet(784, 4, 10);
        var parameters = Mlp.Init(network, RngKey.FromSeed(2), 0.01);
        var w1 = parameters["W1"].ToArray();
        w1[17] = double.NaN;
        var path = Path.Combine(_directory, "params.safetensors");
        new Model(network, parameters.With("W1", Tensor.FromArray(w1, 784, 4))).Save(path);
        return path;
    }

    [Fact]
    public void Evaluate_refuses_a_params_file_holding_NaN_with_one_error_line_and_loads_it_with_allow_non_finite()
    {
        var path = MnistModel();
        var refused = CliRunner.Run("evaluate", path);
        Assert.Equal(1, refused.ExitCode);
        var line = Assert.Single(refused.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(path, line, StringComparison.Ordinal);
        Assert.Contains("tensor 'W1'", line, StringComparison.Ordinal);
        Assert.Contains("element 17 ", line, StringComparison.Ordinal);
        Assert.Contains("NaN", line, StringComparison.Ordinal);
        Assert.Equal("", refused.Output);

        var allowed = CliRunner.Run("evaluate", path, "--allow-non-finite");
        Assert.True(allowed.ExitCode == 0, allowed.Error);
        Assert.Contains("loss NaN", allowed.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "shorter than the 8-byte header length")]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0x40, 0x7B, 0x7D }, "header length 4611686018427387904")]
    [InlineData(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, 0xC3, 0x28 }, "the header is not UTF-8 text: byte 0 (0xC3)")]
    public void Evaluate_with_a_bad_params_file_prints_one_error_line_naming_the_file(byte[] bytes, string what)
    {
        var path = Path.Combine(_directory, "bad.safetensors");
        File.WriteAllBytes(path, bytes);
        var result = CliRunner.Run("evaluate", path);
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {path}: ", line, StringComparison.Ordinal);
        Assert.Contains(what, line, StringComparison.Ordinal);
    }
}
