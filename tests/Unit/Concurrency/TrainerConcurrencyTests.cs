using Functional.Facade;
using Functional.Facade.Data;
using Functional.Facade.Training;
using Functional.Optimizers;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Unit.Tests.Concurrency;

/// <summary>
/// Fits on several threads at once, each on its own <see cref="Trainer"/>, end where each ends alone: the core's
/// per-thread scratch buffers and its one fork worker do not let one fit see another's data.
/// </summary>
public class TrainerConcurrencyTests
{
    private static readonly MnistData Data = Mnist.LoadEmbedded();

    // Three fits down the three paths a step can take: fused float64 SGD on pixels, fused float32 SGD, and the general
    // path (Adam, weight decay, clipping, a schedule, BatchNorm, Dropout). Batches of 50 are large enough that the
    // products, the batch copy and Adam's update are split across threads; fewer steps than an epoch keep the
    // evaluations to one.
    private static readonly FitCase[] Fits =
    [
        new("float64 SGD, ReLU",
            () => NetworkBuilder.Create(11).Affine(784, 32).Relu().Affine(32, 10).SoftmaxWithLoss().Build(),
            new TrainingOptions(Steps: 150, BatchSize: 50, Seed: 3)),
        new("float32 SGD, sigmoid",
            () => NetworkBuilder.Create(12).Affine(784, 48).Sigmoid().Affine(48, 10).SoftmaxWithLoss().Build(),
            new TrainingOptions(Steps: 150, BatchSize: 40, LearningRate: 0.5, Seed: 4, Precision: Precision.Float32)),
        new("Adam, BatchNorm, Dropout",
            () => NetworkBuilder.Create(13).Affine(784, 48).BatchNorm().Relu().Dropout(0.2).Affine(48, 10).SoftmaxWithLoss().Build(),
            new TrainingOptions(Steps: 80, BatchSize: 50, LearningRate: 0.01, Seed: 5, Optimizer: new Adam(), Schedule: "cosine",
                WeightDecay: 1e-4, ClipNorm: 5)),
    ];

    private static readonly Lazy<Outcome[]> Alone = new(() => [.. Fits.Select(fit => fit.Run())]);

    public static TheoryData<int, int> Pairs => new() { { 0, 1 }, { 1, 2 }, { 2, 2 } };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Two_fits_on_two_threads_at_once_each_end_where_it_ends_alone(int first, int second)
    {
        var outcomes = Concurrently.Run(Fits[first].Run, Fits[second].Run);

        Alone.Value[first].AssertSame(outcomes[0], Fits[first].Name);
        Alone.Value[second].AssertSame(outcomes[1], Fits[second].Name);
    }

    [Fact]
    public void Three_fits_while_five_threads_predict_all_give_the_results_they_give_alone()
    {
        var model = NetworkBuilder.Create(14, weightStd: 0.1).Affine(784, 40).Tanh().Affine(40, 10).SoftmaxWithLoss().Build();
        var batch = Tensor.FromRows([.. Enumerable.Range(0, 300).Select(i =>
            Data.Test.Pixels.AsSpan().Slice(i * 784, 784).ToArray().Select(b => b / 255.0).ToArray())]);
        var scores = model.Scores(batch);
        var evaluation = model.Evaluate(Data.Test);
        const int Predictions = 6;

        var results = Concurrently.Run(Fits.Length + 5, 1, (thread, _) =>
        {
            if (thread < Fits.Length)
            {
                return (object)Fits[thread].Run();
            }
            var sameEveryTime = true;
            for (var i = 0; i < Predictions; i++)
            {
                sameEveryTime &= i % 3 == 2 ? model.Evaluate(Data.Test) == evaluation : model.Scores(batch).Equals(scores);
            }
            return sameEveryTime;
        });

        for (var fit = 0; fit < Fits.Length; fit++)
        {
            Alone.Value[fit].AssertSame((Outcome)results[fit][0], Fits[fit].Name);
        }
        for (var thread = Fits.Length; thread < results.Length; thread++)
        {
            Assert.True((bool)results[thread][0], $"thread {thread}: a prediction made during the fits differs from the one made before them.");
        }
    }

    [Fact]
    public void A_second_Fit_on_a_trainer_already_fitting_throws_and_leaves_the_first_fit_as_it_would_be_alone()
    {
        var fit = Fits[0];
        var trainer = new Trainer(fit.Model());
        Exception? fromCallback = null, fromOtherThread = null;
        long? stepSeenFromOtherThread = null;
        var progress = new OnProgress(report =>
        {
            if (report.Step != 1)
            {
                return;
            }
            fromCallback = Record.Exception(() => trainer.Fit(Data.Train, fit.Options));
            var other = Task.Factory.StartNew(() => trainer.Fit(Data.Train, fit.Options), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
            fromOtherThread = Record.Exception(() => other.Wait(Concurrently.DeadlockGuard)) is AggregateException wrapped
                ? wrapped.InnerException
                : null;
            stepSeenFromOtherThread = Concurrently.Run(() => trainer.State.Step)[0];   // reading the state is allowed
        });

        var result = trainer.Fit(Data.Train, Data.Test, fit.Options, progress);

        foreach (var rejected in new[] { fromCallback, fromOtherThread })
        {
            var error = Assert.IsType<InvalidOperationException>(rejected);
            Assert.Contains("Trainer.Fit", error.Message, StringComparison.Ordinal);
            Assert.Contains("already", error.Message, StringComparison.Ordinal);
        }
        Assert.Equal(1, stepSeenFromOtherThread);
        Alone.Value[0].AssertSame(Outcome.Of(result, trainer), fit.Name);
        // The fit is over, so the trainer takes calls again: the same options continue a finished fit, doing nothing.
        Assert.Equal(fit.Options.Steps, trainer.Fit(Data.Train, fit.Options).State.Step);
    }

    private sealed record FitCase(string Name, Func<Model> Model, TrainingOptions Options)
    {
        public Outcome Run()
        {
            var trainer = new Trainer(Model());
            return Outcome.Of(trainer.Fit(Data.Train, Data.Test, Options), trainer);
        }
    }

    /// <summary>What a fit produced: the parameters' hash, every step's loss and every epoch's report.</summary>
    private sealed record Outcome(string Hash, double[] Losses, IReadOnlyList<EpochReport> Epochs)
    {
        public static Outcome Of(RunResult result, Trainer trainer)
        {
            Assert.Equal(result.State.ToFloat64().Params, trainer.State.ToFloat64().Params);
            return new(trainer.State.ToFloat64().Params.Sha256(), [.. result.History.StepLosses], result.History.Epochs);
        }

        public void AssertSame(Outcome actual, string fit)
        {
            Assert.True(Hash == actual.Hash, $"{fit}: parameter hash {actual.Hash}, alone {Hash}.");
            Assert.True(Losses.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(actual.Losses.Select(BitConverter.DoubleToInt64Bits)),
                $"{fit}: the step losses differ from the fit's alone.");
            Assert.Equal(Epochs, actual.Epochs);
        }
    }

    private sealed class OnProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
