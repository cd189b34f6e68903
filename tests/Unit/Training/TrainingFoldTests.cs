using Functional.Data;
using Functional.Facade.Data;
using Functional.Losses;
using Functional.Networks;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Rng;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Unit.Tests.Training;

public class TrainingFoldTests
{
    private static readonly MnistData Data = Mnist.LoadEmbedded();

    private static TrainState Fold(Network network, TrainConfig config, int steps)
    {
        var state = TrainingFold.Start(network, config);
        for (var i = 0; i < steps; i++)
        {
            state = TrainingFold.Step(network, state, Data.Train, config).State;
        }
        return state;
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_parameters_and_another_seed_does_not()
    {
        var network = Network.TwoLayerNet(784, 20, 10);
        var config = new TrainConfig(steps: 15, batchSize: 20, seed: 7);
        var first = Fold(network, config, 15);
        var second = Fold(network, config, 15);
        Assert.Equal(first.ToFloat64().Params.Sha256(), second.ToFloat64().Params.Sha256());
        Assert.Equal(first.ToFloat64().Params, second.ToFloat64().Params);
        Assert.NotEqual(first.ToFloat64().Params.Sha256(), Fold(network, new TrainConfig(steps: 15, batchSize: 20, seed: 8), 15).ToFloat64().Params.Sha256());
    }

    [Fact]
    public void Training_lowers_the_loss_on_real_digits()
    {
        var network = Network.TwoLayerNet(784, 30, 10);
        var config = new TrainConfig(batchSize: 50);
        var (x, t) = Data.Test.Range(0, 500);
        var before = Mlp.Loss(network, TrainingFold.Start(network, config).ToFloat64().Params, x, t);
        var after = Mlp.Loss(network, Fold(network, config, 150).ToFloat64().Params, x, t);
        Assert.True(after < before * 0.5, $"test loss went from {before} to {after}");
    }

    [Fact]
    public void A_step_is_SGD_on_the_batch_drawn_for_that_step()
    {
        var network = Network.Sequential([784, 8, 6, 10], Activation.Sigmoid);
        var config = new TrainConfig(batchSize: 5, learningRate: 0.3);
        var start = TrainingFold.Start(network, config) with { Step = 41 };
        var (x, t) = Data.Train.Batch(BatchSampler.Indices(start.BatchKey, 41, 5, Data.Train.Count));
        var (loss, gradient) = Mlp.LossAndGradient(network, start.ToFloat64().Params, x, t);

        var result = TrainingFold.Step(network, start, Data.Train, config);

        Assert.Equal(loss, result.Loss);
        Assert.Equal(42, result.State.Step);
        Assert.Equal(Sgd.Update(start.ToFloat64().Params, gradient, 0.3), result.State.ToFloat64().Params);
        var w = start.ToFloat64().Params["W2"].ToArray();
        var g = gradient["W2"].ToArray();
        Assert.Equal([.. w.Select((wi, i) => wi - (0.3 * g[i]))], result.State.ToFloat64().Params["W2"].ToArray());
    }

    private sealed class WithoutBatchWriter(ILabeledData inner) : ILabeledData
    {
        public string Name => inner.Name;

        public int Count => inner.Count;

        public int Features => inner.Features;

        public int Classes => inner.Classes;

        public (Tensor<double> X, Labels T) Batch(ReadOnlySpan<int> indices) => inner.Batch(indices);
    }

    [Fact]
    public void The_reused_batch_buffer_changes_no_result_and_leaks_into_none()
    {
        var network = Network.TwoLayerNet(784, 12, 10);
        var config = new TrainConfig(batchSize: 30);
        var (fast, plain) = (TrainingFold.Start(network, config), TrainingFold.Start(network, config));
        var results = new List<(StepResult Result, string Hash)>();
        for (var i = 0; i < 4; i++)
        {
            var step = TrainingFold.Step(network, fast, Data.Train, config);
            results.Add((step, step.State.ToFloat64().Params.Sha256()));
            fast = step.State;
            plain = TrainingFold.Step(network, plain, new WithoutBatchWriter(Data.Train), config).State;
            Assert.Equal(plain.ToFloat64().Params, fast.ToFloat64().Params);
        }
        Assert.All(results, r => Assert.Equal(r.Hash, r.Result.State.ToFloat64().Params.Sha256()));   // later steps changed no earlier result
    }

    [Fact]
    public void Sgd_on_a_large_parameter_split_across_threads_equals_the_scalar_formula()
    {
        var w = Sample.Normal(RngKey.FromSeed(11), 1001, 203);   // odd sizes: vector and scalar tails in both halves
        var g = Sample.Normal(RngKey.FromSeed(12), 1001, 203);
        var updated = Sgd.Update(ParamTree<double>.Of([new("W", w)]), ParamTree<double>.Of([new("W", g)]), 0.37)["W"];
        var (wv, gv) = (w.ToArray(), g.ToArray());
        Assert.Equal(Tensor.FromArray([.. wv.Select((x, i) => x - (0.37 * gv[i]))], 1001, 203), updated);
    }

    [Fact]
    public void A_diverging_run_names_the_step()
    {
        var network = Network.TwoLayerNet(784, 10, 10);
        var config = new TrainConfig(learningRate: 1e300);
        var state = TrainingFold.Start(network, config);
        var error = Assert.Throws<TrainingDivergedException>(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                state = TrainingFold.Step(network, state, Data.Train, config).State;
            }
        });
        Assert.Contains($"step {error.Step}", error.Message, StringComparison.Ordinal);
        Assert.Equal(error.Step, state.Step);   // the state before the failing step is intact
    }

    [Fact]
    public void Data_of_another_width_is_refused_naming_both_widths()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            TrainingFold.Step(Network.TwoLayerNet(100, 10, 10), TrainingFold.Start(Network.TwoLayerNet(100, 10, 10), new TrainConfig()), Data.Train, new TrainConfig()));
        Assert.Contains("100", error.Message, StringComparison.Ordinal);
        Assert.Contains("784", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 100, 0.1)]
    [InlineData(10, 0, 0.1)]
    [InlineData(10, 100, 0.0)]
    [InlineData(10, 100, double.NaN)]
    public void Non_positive_settings_are_refused(int steps, int batchSize, double learningRate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainConfig(steps, batchSize, learningRate));
    }

    [Fact]
    public void Batches_depend_only_on_the_key_and_the_step()
    {
        var key = RngKey.FromSeed(3);
        Assert.Equal(BatchSampler.Indices(key, 9_999, 100, 7996), BatchSampler.Indices(key, 9_999, 100, 7996));
        Assert.NotEqual(BatchSampler.Indices(key, 1, 100, 7996), BatchSampler.Indices(key, 2, 100, 7996));
        var many = BatchSampler.Indices(key, 0, 100_000, 10);
        Assert.All(many, i => Assert.InRange(i, 0, 9));
        Assert.All(Enumerable.Range(0, 10), c => Assert.InRange(many.Count(i => i == c), 9_500, 10_500));
    }

    [Fact]
    public void Init_draws_the_books_small_normal_weights_and_zero_biases()
    {
        var p = Mlp.Init(Network.TwoLayerNet(784, 50, 10), RngKey.FromSeed(0));
        Assert.Equal(["W1", "W2", "b1", "b2"], p.Keys.ToArray());
        var w = p["W1"].ToArray();
        var std = Math.Sqrt(w.Select(v => v * v).Average());
        Assert.InRange(std, 0.0095, 0.0105);
        Assert.Equal(Tensor.Zeros<double>(50), p["b1"]);
    }
}
