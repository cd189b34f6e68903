using Functional.Facade;
using Functional.Facade.Data;
using Functional.Facade.Training;
using Functional.Training;

namespace Functional.Unit.Tests.Facade;

public class TrainerTests
{
    private static readonly MnistData Data = Mnist.LoadEmbedded();

    private sealed class Recorder : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];

        public Action<TrainingProgress>? OnReport { get; init; }

        public void Report(TrainingProgress value)
        {
            Reports.Add(value);
            OnReport?.Invoke(value);
        }
    }

    private static Model Net(ulong seed) => NetworkBuilder.Create(seed).Affine(784, 16).Relu().Affine(16, 10).SoftmaxWithLoss().Build();

    [Fact]
    public void Fit_reproduces_the_command_lines_training_for_the_same_seed()
    {
        var options = new TrainingOptions(Steps: 90, BatchSize: 20, Seed: 5);
        var trainer = new Trainer(Net(5));
        var epochs = new List<EpochReport>();
        trainer.EpochCompleted += (_, e) => epochs.Add(e);
        var progress = new Recorder();

        var result = trainer.Fit(Data.Train, Data.Test, options, progress);

        var expected = TrainingRun.Run(trainer.Model.Network, Data.Train, Data.Test, new TrainConfig(90, 20, seed: 5));
        Assert.Equal(expected.State.ToFloat64().Params, trainer.State.ToFloat64().Params);
        Assert.Equal(expected.History.Epochs, result.History.Epochs);
        Assert.Equal(90, trainer.State.Step);
        Assert.Equal(90, progress.Reports.Count);
        Assert.Equal(result.History.Epochs, epochs);   // 400 steps per epoch: only the final, partial one
    }

    [Fact]
    public void A_float32_fit_reproduces_the_command_lines_float32_training()
    {
        var options = new TrainingOptions(Steps: 60, BatchSize: 20, Seed: 5, Precision: Precision.Float32);
        var trainer = new Trainer(Net(5));
        trainer.Fit(Data.Train, Data.Test, options);

        var expected = TrainingRun.Run(trainer.Model.Network, Data.Train, Data.Test, new TrainConfig(60, 20, seed: 5, precision: Precision.Float32));
        Assert.Equal(expected.State.ToFloat64().Params, trainer.State.ToFloat64().Params);
        Assert.All(trainer.State.ToFloat64().Params.Leaves.Values.SelectMany(t => t.ToArray()), v => Assert.Equal(v, (double)(float)v));
        var float64 = TrainingRun.Run(trainer.Model.Network, Data.Train, Data.Test, new TrainConfig(60, 20, seed: 5));
        Assert.NotEqual(float64.State.ToFloat64().Params, trainer.State.ToFloat64().Params);
    }

    [Fact]
    public void A_float32_fit_trains_batchnorm_dropout_and_adam_and_repeats_bit_for_bit()
    {
        static Model Deep() => NetworkBuilder.Create(seed: 3, new Functional.Initializers.He())
            .Affine(784, 24).BatchNorm().Tanh().Dropout(0.2).Affine(24, 10).SoftmaxWithLoss().Build();
        var options = new TrainingOptions(Steps: 80, BatchSize: 20, LearningRate: 0.002, Seed: 3, Precision: Precision.Float32,
            Optimizer: new Functional.Optimizers.Adam(), Schedule: "cosine", WeightDecay: 1e-4, ClipNorm: 5);
        var first = new Trainer(Deep());
        first.Fit(Data.Train, Data.Test, options);
        var second = new Trainer(Deep());
        second.Fit(Data.Train, Data.Test, options);

        Assert.Equal(Precision.Float32, first.State.Precision);
        var state = first.State.As<float>();
        Assert.Equal(["m", "v"], state.Optimizer.Slots.Keys);   // Adam's buffers, in float32
        Assert.Equal(["mean1", "var1"], state.State.Keys);       // BatchNorm's running statistics
        Assert.Equal(first.State.LeafHashes(), second.State.LeafHashes());
        Assert.True(first.Model.Evaluate(Data.Test).Accuracy > 0.5, "80 float32 Adam steps should beat chance by far");
        // The model holds the float32 values widened, exactly.
        Assert.All(first.Model.Parameters.Leaves.Values.SelectMany(t => t.ToArray()), v => Assert.Equal(v, (double)(float)v));
    }

    [Fact]
    public void Cancelling_leaves_the_last_completed_steps_state()
    {
        using var cancel = new CancellationTokenSource();
        var options = new TrainingOptions(Steps: 1000, BatchSize: 10, Seed: 1);
        var trainer = new Trainer(Net(1));
        var progress = new Recorder { OnReport = p => { if (p.Step == 25) cancel.Cancel(); } };

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(Data.Train, options, progress, cancel.Token));

        Assert.Equal(25, trainer.State.Step);
        var state = TrainingFold.Start(trainer.Model.Network, new TrainConfig(1000, 10, seed: 1));
        for (var i = 0; i < 25; i++)
        {
            state = TrainingFold.Step(trainer.Model.Network, state, Data.Train, new TrainConfig(1000, 10, seed: 1)).State;
        }
        Assert.Equal(state.ToFloat64().Params, trainer.State.ToFloat64().Params);

        Assert.Throws<ArgumentException>(() => trainer.Fit(Data.Train, options with { LearningRate = 0.2 }));
        var rest = trainer.Fit(Data.Train, Data.Test, options);   // continues from step 25 to the end
        Assert.Equal(1000, trainer.State.Step);
        var whole = TrainingRun.Run(trainer.Model.Network, Data.Train, Data.Test, new TrainConfig(1000, 10, seed: 1));
        Assert.Equal(whole.State.ToFloat64().Params, trainer.State.ToFloat64().Params);
        Assert.Equal(whole.History.Epochs, rest.History.Epochs);   // the interrupted epoch's mean loss includes the first 25 steps
    }

    [Fact]
    public void Trains_on_the_inputs_CSharp_users_have()
    {
        // XOR-like points in four clusters, as double[,], jagged rows and samples: the same data three ways.
        double[][] rows = [.. Enumerable.Range(0, 200).Select(i => new[] { (i % 2) + (0.01 * (i % 7)), ((i / 2) % 2) + (0.01 * (i % 5)) })];
        int[] labels = [.. Enumerable.Range(0, 200).Select(i => (i % 2) ^ ((i / 2) % 2))];
        var jagged = LabeledData.FromJagged(rows, labels);
        var samples = LabeledData.FromSamples(rows.Zip(labels));
        var model = NetworkBuilder.Create(seed: 2, weightStd: 1.0).Affine(2, 16).Relu().Affine(16, 2).SoftmaxWithLoss().Build();
        var trainer = new Trainer(model);

        trainer.Fit(jagged, new TrainingOptions(Steps: 600, BatchSize: 20, LearningRate: 0.5, Seed: 2));

        Assert.True(trainer.Model.Evaluate(samples).Accuracy >= 0.95, $"accuracy {trainer.Model.Evaluate(samples).Accuracy}");
        Assert.Equal(trainer.Model.Evaluate(jagged), trainer.Model.Evaluate(samples));
    }
}
