using System.Diagnostics;
using System.Numerics;
using Functional.Data;
using Functional.Networks;
using Functional.Parameters;
using Functional.Training;

namespace Functional.Facade.Training;

/// <summary>Progress after one step.</summary>
/// <param name="Step">Steps completed so far (1-based count).</param>
/// <param name="TotalSteps">Steps in the run.</param>
/// <param name="Loss">The step's batch loss.</param>
/// <param name="Elapsed">Training time so far in this process, evaluation excluded.</param>
/// <param name="StepsTimed">Steps taken in this process (fewer than <paramref name="Step"/> after a resume).</param>
public sealed record StepReport(long Step, long TotalSteps, double Loss, TimeSpan Elapsed, long StepsTimed);

/// <summary>Accuracies after an epoch (or after the last, partial one).</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Step">Steps completed so far.</param>
/// <param name="MeanLoss">The mean batch loss over the epoch's steps.</param>
/// <param name="TrainAccuracy">Accuracy on the whole training set.</param>
/// <param name="TestAccuracy">Accuracy on the whole test set.</param>
public sealed record EpochReport(int Epoch, long Step, double MeanLoss, double TrainAccuracy, double TestAccuracy);

/// <summary>What a run has produced so far: every step's loss and every epoch's report, in order.</summary>
/// <param name="StepLosses">Loss of step 1, 2, …</param>
/// <param name="Epochs">Epoch reports so far.</param>
public sealed record RunHistory(IReadOnlyList<double> StepLosses, IReadOnlyList<EpochReport> Epochs)
{
    /// <summary>No steps yet.</summary>
    public static RunHistory Empty { get; } = new([], []);
}

/// <summary>Where a run starts: a training state and the history that led to it (empty for a fresh run).</summary>
/// <param name="State">The state to continue from.</param>
/// <param name="History">The losses and epochs up to <c>State.Step</c>.</param>
public sealed record RunStart(TrainState State, RunHistory History);

/// <summary>Callbacks a run makes as it goes; all optional.</summary>
public sealed record RunHooks
{
    /// <summary>After every step, for progress display.</summary>
    public Action<StepReport>? Progress { get; init; }

    /// <summary>After every epoch's evaluation.</summary>
    public Action<EpochReport>? Epoch { get; init; }

    /// <summary>After every step, with the new state and the step's loss, e.g. to record a replay log.</summary>
    public Action<TrainState, double>? Step { get; init; }

    /// <summary>Calls <see cref="Checkpoint"/> every this many steps; 0 for never.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Saves the state and history so the run can be resumed from it.</summary>
    public Action<RunStart>? Checkpoint { get; init; }

    /// <summary>
    /// Once per run, the first step whose loss exceeds <see cref="LossWatch.Factor"/> × the first step's loss: the
    /// run goes on, but the learning rate is probably too high.
    /// </summary>
    public Action<LossExplosion>? LossExploded { get; init; }
}

/// <summary>What a finished run returns.</summary>
/// <param name="State">The final training state.</param>
/// <param name="History">Every step's loss and every epoch's report.</param>
/// <param name="TrainingTime">Time spent in training steps in this process, evaluation excluded.</param>
/// <param name="StepsTimed">Steps taken in this process.</param>
public sealed record RunResult(TrainState State, RunHistory History, TimeSpan TrainingTime, long StepsTimed);

/// <summary>
/// Runs the pure training fold (<see cref="TrainingFold.Step"/>) step after step, measuring time and evaluating
/// accuracy after every epoch: the shell around the pure core. A resumed run computes exactly what the
/// uninterrupted run would have.
/// </summary>
public static class TrainingRun
{

    /// <summary>
    /// Trains <paramref name="network"/> on <paramref name="train"/>, from the seed or from <paramref name="start"/>,
    /// reporting accuracy on <paramref name="train"/> and <paramref name="test"/> after every epoch.
    /// </summary>
    /// <exception cref="ArgumentException">The data does not fit the network, or the start is past the last step.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between two steps.</exception>
    public static RunResult Run(Network network, ILabeledData train, ILabeledData test, TrainConfig config, RunStart? start = null,
        RunHooks? hooks = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(config);
        TrainingFold.RequireFit(network, train);
        TrainingFold.RequireFit(network, test);
        hooks ??= new RunHooks();
        start ??= new RunStart(TrainingFold.Start(network, config), RunHistory.Empty);
        if (start.State.Step > config.Steps || start.History.StepLosses.Count != start.State.Step)
        {
            throw new ArgumentException(
                $"TrainingRun.Run: cannot start at step {start.State.Step} with {start.History.StepLosses.Count} recorded losses in a run of {config.Steps} steps.",
                nameof(start));
        }
        var state = start.State;
        var stepsPerEpoch = config.StepsPerEpoch(train.Count);
        var losses = new List<double>(start.History.StepLosses);
        var epochs = new List<EpochReport>(start.History.Epochs);
        // The epoch's loss sum restarts at each boundary and adds in step order, as an uninterrupted run does.
        var epochLoss = 0.0;
        for (var i = (int)(state.Step - (state.Step % stepsPerEpoch)); i < state.Step; i++)
        {
            epochLoss += losses[i];
        }
        var watch = LossWatch.After(losses);
        var clock = new Stopwatch();
        long timed = 0;
        while (state.Step < config.Steps)
        {
            cancellation.ThrowIfCancellationRequested();
            clock.Start();
            var result = TrainingFold.Step(network, state, train, config);
            clock.Stop();
            timed++;
            state = result.State;
            losses.Add(result.Loss);
            epochLoss += result.Loss;
            hooks.Step?.Invoke(state, result.Loss);
            (watch, var explosion) = watch.Observe(state.Step, result.Loss);
            if (explosion is not null)
            {
                hooks.LossExploded?.Invoke(explosion);
            }
            hooks.Progress?.Invoke(new StepReport(state.Step, config.Steps, result.Loss, clock.Elapsed, timed));
            var inEpoch = (int)(state.Step % stepsPerEpoch);
            if (inEpoch == 0 || state.Step == config.Steps)
            {
                var count = inEpoch == 0 ? stepsPerEpoch : inEpoch;
                var report = new EpochReport(epochs.Count + 1, state.Step, epochLoss / count,
                    Accuracy(network, state, train), Accuracy(network, state, test));
                epochs.Add(report);
                hooks.Epoch?.Invoke(report);
                epochLoss = 0.0;
            }
            if (hooks.CheckpointEvery > 0 && state.Step % hooks.CheckpointEvery == 0 && state.Step < config.Steps)
            {
                hooks.Checkpoint?.Invoke(new RunStart(state, new RunHistory([.. losses], [.. epochs])));
            }
        }
        return new RunResult(state, new RunHistory(losses, epochs), clock.Elapsed, timed);
    }

    /// <summary>Accuracy over a whole data set, computed in the state's element type.</summary>
    public static double Accuracy(Network network, TrainState state, ILabeledData data) => state switch
    {
        TrainState<double> wide => Accuracy(network, wide.Params, wide.State, data),
        TrainState<float> single => Evaluate(network, single.Params, single.State, data).Accuracy,
        null => throw new ArgumentNullException(nameof(state)),
        _ => throw new ArgumentException($"TrainingRun.Accuracy: expected a float64 or float32 state, got {state.GetType().Name}.", nameof(state)),
    };

    /// <summary>Accuracy over a whole data set.</summary>
    public static double Accuracy(Network network, ParamTree<double> parameters, ILabeledData data) =>
        Evaluate(network, parameters, data).Accuracy;

    /// <summary>Accuracy over a whole data set, for a network with state.</summary>
    public static double Accuracy(Network network, ParamTree<double> parameters, ParamTree<double> state, ILabeledData data) =>
        Evaluate(network, parameters, state, data).Accuracy;

    /// <summary>
    /// Mean loss and accuracy over a whole data set, in chunks of 1,000 samples to bound memory; the loss sums
    /// chunk by chunk in order, so it repeats bit for bit.
    /// </summary>
    /// <exception cref="ArgumentException">The data does not fit the network.</exception>
    public static Evaluation Evaluate(Network network, ParamTree<double> parameters, ILabeledData data) =>
        Evaluate(network, parameters, ParamTree<double>.Empty, data);

    /// <summary>Mean loss and accuracy over a whole data set, for a network with state (BatchNorm's running statistics).</summary>
    /// <exception cref="ArgumentException">The data does not fit the network.</exception>
    public static Evaluation Evaluate<T>(Network network, ParamTree<T> parameters, ParamTree<T> state, ILabeledData data)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data);
        var (loss, correct) = DataEvaluation.Of(network, parameters, state, data);
        return new Evaluation(loss, (double)correct / data.Count, data.Count);
    }
}
