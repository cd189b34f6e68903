using Functional.Data;
using Functional.Facade.Training;
using Functional.Networks;
using Functional.Rng;
using Functional.Training;

namespace Functional.Facade;

/// <summary>Settings of <see cref="Trainer.Fit"/>. Defaults are the book's.</summary>
/// <param name="Steps">SGD steps.</param>
/// <param name="BatchSize">Samples per step, drawn with replacement.</param>
/// <param name="LearningRate">The SGD learning rate.</param>
/// <param name="Seed">Seeds the batches; with the builder's seed equal, a fit reproduces <c>train</c>'s run.</param>
public sealed record TrainingOptions(int Steps = 10_000, int BatchSize = 100, double LearningRate = 0.1, ulong Seed = 0);

/// <summary>Progress reported after every step.</summary>
/// <param name="Step">Steps completed.</param>
/// <param name="TotalSteps">Steps in the fit.</param>
/// <param name="Loss">The step's batch loss.</param>
public sealed record TrainingProgress(long Step, long TotalSteps, double Loss);

/// <summary>
/// Trains a <see cref="Model"/> with plain SGD. The trainer holds one thing that changes — the current immutable
/// <see cref="TrainState"/> — and replaces it after each completed step, so a cancelled fit leaves the state of
/// the last completed step.
/// </summary>
public sealed class Trainer
{
    private readonly Network _network;
    private readonly List<double> _losses = [];
    private readonly List<EpochReport> _epochs = [];
    private TrainState _state;

    /// <summary>A trainer starting from <paramref name="model"/>'s parameters at step 0.</summary>
    public Trainer(Model model, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Options = options ?? new TrainingOptions();
        Config = new TrainConfig(Options.Steps, Options.BatchSize, Options.LearningRate, Options.Seed);
        _network = model.Network;
        _state = new TrainState(model.Parameters, 0, RngKey.FromSeed(Options.Seed).Split().Second);
    }

    /// <summary>Raised after every epoch's evaluation.</summary>
    public event EventHandler<EpochReport>? EpochCompleted;

    /// <summary>The settings.</summary>
    public TrainingOptions Options { get; }

    /// <summary>The current training state: parameters, step count and batch key.</summary>
    public TrainState State => _state;

    /// <summary>The model at the current state.</summary>
    public Model Model => new(_network, _state.Params);

    private TrainConfig Config { get; }

    /// <summary>
    /// Trains from the current state until <see cref="TrainingOptions.Steps"/> steps are done, evaluating on
    /// <paramref name="train"/> and <paramref name="validation"/> (default: the training data) after every epoch.
    /// </summary>
    /// <exception cref="ArgumentException">The data does not fit the model.</exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite; the state stays at the step before.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; <see cref="State"/> holds the last completed step.</exception>
    public RunResult Fit(ILabeledData train, ILabeledData? validation = null, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        // The history so far lets a fit that continues after a cancellation report its epochs as one fit would.
        var start = new RunStart(_state, new RunHistory([.. _losses], [.. _epochs]));
        var hooks = new RunHooks
        {
            Step = (state, loss) =>
            {
                _state = state;
                _losses.Add(loss);
            },
            Progress = progress is null ? null : report => progress.Report(new TrainingProgress(report.Step, report.TotalSteps, report.Loss)),
            Epoch = report =>
            {
                _epochs.Add(report);
                EpochCompleted?.Invoke(this, report);
            },
        };
        return TrainingRun.Run(_network, train, validation ?? train, Config, start, hooks, cancellation);
    }
}
