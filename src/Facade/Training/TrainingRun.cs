using System.Diagnostics;
using Functional.Data;
using Functional.Facade.Data;
using Functional.Networks;
using Functional.Training;

namespace Functional.Facade.Training;

/// <summary>Progress after one step.</summary>
/// <param name="Step">Steps completed so far (1-based count).</param>
/// <param name="TotalSteps">Steps in the run.</param>
/// <param name="Loss">The step's batch loss.</param>
/// <param name="Elapsed">Training time so far, evaluation excluded.</param>
public sealed record StepReport(long Step, long TotalSteps, double Loss, TimeSpan Elapsed);

/// <summary>Accuracies after an epoch (or after the last, partial one).</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Step">Steps completed so far.</param>
/// <param name="MeanLoss">The mean batch loss over the epoch's steps.</param>
/// <param name="TrainAccuracy">Accuracy on the whole training set.</param>
/// <param name="TestAccuracy">Accuracy on the whole test set.</param>
public sealed record EpochReport(int Epoch, long Step, double MeanLoss, double TrainAccuracy, double TestAccuracy);

/// <summary>What a finished run returns.</summary>
/// <param name="State">The final training state.</param>
/// <param name="StepLosses">Every step's batch loss, in order.</param>
/// <param name="Epochs">Every epoch's report, in order.</param>
/// <param name="TrainingTime">Time spent in training steps, evaluation excluded.</param>
public sealed record RunResult(TrainState State, IReadOnlyList<double> StepLosses, IReadOnlyList<EpochReport> Epochs, TimeSpan TrainingTime);

/// <summary>
/// Runs the pure training fold (<see cref="Trainer.Step"/>) step after step, measuring time and evaluating
/// accuracy after every epoch: the shell around the pure core.
/// </summary>
public static class TrainingRun
{
    private const int EvaluationChunk = 1000;

    /// <summary>Trains <paramref name="network"/> on <paramref name="data"/> from the config's seed.</summary>
    /// <exception cref="ArgumentException">The data does not fit the network.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; no partial result is returned.</exception>
    public static RunResult Run(Network network, MnistData data, TrainConfig config,
        Action<StepReport>? onStep = null, Action<EpochReport>? onEpoch = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(config);
        Trainer.RequireFit(network, data.Train);
        Trainer.RequireFit(network, data.Test);
        var state = Trainer.Start(network, config);
        var stepsPerEpoch = config.StepsPerEpoch(data.Train.Count);
        var losses = new List<double>(config.Steps);
        var epochs = new List<EpochReport>();
        var clock = new Stopwatch();
        var epochLoss = 0.0;
        for (var step = 0; step < config.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            clock.Start();
            var result = Trainer.Step(network, state, data.Train, config);
            clock.Stop();
            state = result.State;
            losses.Add(result.Loss);
            epochLoss += result.Loss;
            onStep?.Invoke(new StepReport(state.Step, config.Steps, result.Loss, clock.Elapsed));
            var inEpoch = (int)(state.Step % stepsPerEpoch);
            if (inEpoch == 0 || state.Step == config.Steps)
            {
                var count = inEpoch == 0 ? stepsPerEpoch : inEpoch;
                var report = new EpochReport(epochs.Count + 1, state.Step, epochLoss / count,
                    Accuracy(network, state.Params, data.Train), Accuracy(network, state.Params, data.Test));
                epochs.Add(report);
                onEpoch?.Invoke(report);
                epochLoss = 0.0;
            }
        }
        return new RunResult(state, losses, epochs, clock.Elapsed);
    }

    /// <summary>Accuracy over a whole data set, evaluated in chunks of 1,000 samples to bound memory.</summary>
    public static double Accuracy(Network network, ParamTree parameters, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Trainer.RequireFit(network, data);
        long correct = 0;
        for (var start = 0; start < data.Count; start += EvaluationChunk)
        {
            var count = Math.Min(EvaluationChunk, data.Count - start);
            var (x, t) = data.Range(start, count);
            correct += Mlp.CorrectCount(network, parameters, x, t);
        }
        return (double)correct / data.Count;
    }
}
