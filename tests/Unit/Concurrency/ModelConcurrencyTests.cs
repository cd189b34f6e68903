using Functional.Data;
using Functional.Facade;
using Functional.Facade.Data;
using Functional.Optimizers;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Unit.Tests.Concurrency;

/// <summary>
/// <see cref="Model"/>'s members called from eight threads at once give the bits a sequential call gives. The core
/// shares per-thread scratch buffers, one fork worker and lazily widened float32 tensors between such calls.
/// </summary>
public sealed class ModelConcurrencyTests : IDisposable
{
    private const int Threads = 8;

    private static readonly MnistData Data = Mnist.LoadEmbedded();

    // Test images 0-399 as bytes and 400-799 as a tensor: batches whose products are split across threads.
    private static readonly byte[][] Images = [.. Enumerable.Range(0, 400).Select(Image)];

    private static readonly Tensor<double> Batch = Tensor.FromRows([.. Enumerable.Range(400, 400).Select(i => Image(i).Select(b => b / 255.0).ToArray())]);

    // 1,100 test samples as dense features rather than a Dataset: the other batch writer, a full chunk and a short one.
    private static readonly ILabeledData Dense = LabeledData.FromJagged(
        [.. Enumerable.Range(0, 1100).Select(i => Image(i).Select(b => b / 255.0).ToArray())],
        [.. Enumerable.Range(0, 1100).Select(i => (int)Data.Test.Labels[i])]);

    // Four kinds of model: plain ReLU; BatchNorm, tanh and Dropout after Adam; float32-trained sigmoid; two hidden layers.
    private static readonly Lazy<Model[]> Models = new(() =>
    [
        Trained(NetworkBuilder.Create(1).Affine(784, 32).Relu().Affine(32, 10).SoftmaxWithLoss().Build(),
            new TrainingOptions(Steps: 100, BatchSize: 50, Seed: 1)),
        Trained(NetworkBuilder.Create(2).Affine(784, 24).BatchNorm().Tanh().Dropout(0.3).Affine(24, 10).SoftmaxWithLoss().Build(),
            new TrainingOptions(Steps: 60, BatchSize: 50, LearningRate: 0.01, Seed: 2, Optimizer: new Adam())),
        Trained(NetworkBuilder.Create(3).Affine(784, 32).Sigmoid().Affine(32, 10).SoftmaxWithLoss().Build(),
            new TrainingOptions(Steps: 100, BatchSize: 50, Seed: 3, Precision: Precision.Float32)),
        NetworkBuilder.Create(4, weightStd: 0.1).Affine(784, 40).LeakyRelu().Affine(40, 16).Relu().Affine(16, 10).SoftmaxWithLoss().Build(),
    ]);

    private const int Float32Model = 2;

    private static readonly Lazy<Outputs[]> Sequential = new(() => [.. Models.Value.Select(model => Outputs.Of(model, 0))]);

    private readonly string _directory = Directory.CreateTempSubdirectory("functional-concurrency-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte[] Image(int i) => Data.Test.Pixels.AsSpan().Slice(i * Data.Test.Features, Data.Test.Features).ToArray();

    private static Model Trained(Model model, TrainingOptions options)
    {
        var trainer = new Trainer(model);
        trainer.Fit(Data.Train, options);
        return trainer.Model;
    }

    /// <summary>The models for one round.</summary>
    private static Model[] ForRound() => Models.Value.ToArray();

    [Fact]
    public void The_float32_model_is_held_as_float32_values()
    {
        Assert.All(Models.Value[Float32Model].Parameters.Leaves.Values.SelectMany(t => t.ToArray()), v => Assert.Equal(v, (double)(float)v));
    }

    [Fact]
    public void Eight_threads_on_one_model_get_the_sequential_results_bit_for_bit()
    {
        // Round r: all eight threads on model r, each starting at a different member so that different calls overlap.
        var rounds = Models.Value.Length;
        var models = Enumerable.Range(0, rounds).Select(_ => ForRound()).ToArray();
        var results = Concurrently.Run(Threads, rounds, (thread, round) => Outputs.Of(models[round][round], thread));
        for (var thread = 0; thread < Threads; thread++)
        {
            for (var round = 0; round < rounds; round++)
            {
                Sequential.Value[round].AssertSame(results[thread][round], $"thread {thread}, model {round}");
            }
        }
    }

    [Fact]
    public void Eight_threads_on_four_different_models_get_the_sequential_results_bit_for_bit()
    {
        // Thread t in round r uses model (t + r) mod 4: two threads per model, a different pair each round.
        const int Rounds = 4;
        var count = Models.Value.Length;
        var models = Enumerable.Range(0, Rounds).Select(_ => ForRound()).ToArray();
        var results = Concurrently.Run(Threads, Rounds, (thread, round) => Outputs.Of(models[round][(thread + round) % count], thread + round));
        for (var thread = 0; thread < Threads; thread++)
        {
            for (var round = 0; round < Rounds; round++)
            {
                Sequential.Value[(thread + round) % count].AssertSame(results[thread][round], $"thread {thread}, round {round}");
            }
        }
    }

    [Fact]
    public void Eight_threads_saving_one_model_to_one_path_at_once_all_succeed_and_leave_the_whole_model()
    {
        var model = Models.Value[1];
        var path = Path.Combine(_directory, "shared.safetensors");
        Concurrently.Run(Threads, 3, (_, _) =>
        {
            model.Save(path);
            return true;
        });
        var loaded = Model.Load(path);
        Assert.Equal(model.Network, loaded.Network);
        Assert.Equal(model.Parameters, loaded.Parameters);
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(_directory).Select(Path.GetFileName));   // no temporary file left
    }

    /// <summary>Every member's result for one model, computed in an order that starts at member <c>rotation</c> mod 6.</summary>
    private sealed record Outputs(Tensor<double> Scores, Tensor<double> Probabilities, int[] FromTensor, int[] FromBytes, Evaluation OnImages, Evaluation OnDense)
    {
        public static Outputs Of(Model model, int rotation)
        {
            var parts = new object[6];
            for (var k = 0; k < parts.Length; k++)
            {
                var member = (k + rotation) % parts.Length;
                parts[member] = member switch
                {
                    0 => model.Scores(Batch),
                    1 => model.Probabilities(Batch),
                    2 => model.Predict(Batch),
                    3 => model.Predict(Images),
                    4 => model.Evaluate(Data.Test),
                    _ => model.Evaluate(Dense),
                };
            }
            return new((Tensor<double>)parts[0], (Tensor<double>)parts[1], (int[])parts[2], (int[])parts[3], (Evaluation)parts[4], (Evaluation)parts[5]);
        }

        public void AssertSame(Outputs actual, string where)
        {
            Assert.True(Scores.Equals(actual.Scores), $"{where}: Scores differ from the sequential call's bits.");
            Assert.True(Probabilities.Equals(actual.Probabilities), $"{where}: Probabilities differ from the sequential call's bits.");
            Assert.True(FromTensor.SequenceEqual(actual.FromTensor), $"{where}: Predict(Tensor) differs from the sequential call.");
            Assert.True(FromBytes.SequenceEqual(actual.FromBytes), $"{where}: Predict(byte[][]) differs from the sequential call.");
            Assert.True(Same(OnImages, actual.OnImages), $"{where}: Evaluate(Dataset) gave {actual.OnImages}, sequentially {OnImages}.");
            Assert.True(Same(OnDense, actual.OnDense), $"{where}: Evaluate(dense data) gave {actual.OnDense}, sequentially {OnDense}.");
        }

        private static bool Same(Evaluation a, Evaluation b) =>
            BitConverter.DoubleToInt64Bits(a.Loss) == BitConverter.DoubleToInt64Bits(b.Loss)
            && BitConverter.DoubleToInt64Bits(a.Accuracy) == BitConverter.DoubleToInt64Bits(b.Accuracy)
            && a.Count == b.Count;
    }
}
