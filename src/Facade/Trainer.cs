using Functional.Data;
using Functional.Facade.Naming;
using Functional.Facade.Training;
using Functional.Networks;
using Functional.Optimizers;
using Functional.Training;

namespace Functional.Facade;

/// <summary>Settings of <see cref="Trainer.Fit(ILabeledData, TrainingOptions, IProgress{TrainingProgress}?, CancellationToken)"/>. Defaults are the book's.</summary>
/// <param name="Steps">SGD steps.</param>
/// <param name="BatchSize">Samples per step, drawn with replacement.</param>
/// <param name="LearningRate">The SGD learning rate.</param>
/// <param name="Seed">Seeds the batches; with the builder's seed equal, a fit reproduces <c>train</c>'s run.</param>
/// <param name="Precision">
/// Float64, or Float32 (faster; every layer, optimizer and schedule): the fit computes in float32 from the model's
/// parameters rounded to float32, and <see cref="Trainer.Model"/> holds them widened back, exactly.
/// </param>
/// <param name="Optimizer">The optimizer, e.g. <c>new Adam()</c>; plain SGD when null.</param>
/// <param name="Schedule">The learning-rate schedule: "constant", "step", "step:EVERY:FACTOR", "cosine" or "cosine:MINRATE".</param>
/// <param name="WeightDecay">λ of weight decay on every W (0: none).</param>
/// <param name="ClipNorm">Clip the gradient to this global norm; null for no clipping.</param>
public sealed record TrainingOptions(int Steps = 10_000, int BatchSize = 100, double LearningRate = 0.1, ulong Seed = 0,
    Precision Precision = Precision.Float64, Optimizer? Optimizer = null, string Schedule = "constant", double WeightDecay = 0,
    double? ClipNorm = null);

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
/// <remarks>
/// <para>
/// Thread safety: one trainer runs one fit at a time. Fits on different trainers may run on any number of threads
/// at once, beside any <see cref="Facade.Model"/> calls, and each ends at the parameters, losses and epoch reports it
/// reaches alone, bit for bit (the data sets are read-only and may be shared). A <c>Fit</c> on a trainer whose fit is
/// still running — from another thread, or from its own progress callback or <see cref="EpochCompleted"/> handler —
/// throws <see cref="InvalidOperationException"/> and changes nothing. While a fit runs, <see cref="State"/> and
/// <see cref="Model"/> may be read from any thread: each read sees some completed step's state, never a partial one.
/// <c>Fit</c> calls <see cref="IProgress{T}.Report"/> and raises <see cref="EpochCompleted"/> on its own thread
/// (a <see cref="Progress{T}"/> then posts to the context it was made in).
/// </para>
/// </remarks>
public sealed class Trainer
{
    private readonly Network _network;
    private readonly List<double> _losses = [];
    private readonly List<EpochReport> _epochs = [];
    private TrainState _state;
    private TrainingOptions? _options;
    private int _fitting;   // 1 while a Fit runs: a second one would interleave its steps and history with the first's

    /// <summary>A trainer starting from <paramref name="model"/>'s parameters at step 0.</summary>
    public Trainer(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _network = model.Network;
        _state = new TrainState<double>(model.Parameters, 0, default) { State = model.State };
    }

    /// <summary>Raised after every epoch's evaluation.</summary>
    public event EventHandler<EpochReport>? EpochCompleted;

    /// <summary>The settings of the fit under way, or null before the first fit.</summary>
    public TrainingOptions? Options => _options;

    /// <summary>The current training state: parameters, step count and batch key.</summary>
    public TrainState State => _state;

    /// <summary>The model at the current state.</summary>
    public Model Model
    {
        get
        {
            var state = _state.ToFloat64();
            return new(_network, state.Params, state.State);
        }
    }

    /// <summary>
    /// Trains from the current state until <see cref="TrainingOptions.Steps"/> steps are done, evaluating on
    /// <paramref name="train"/> (and on validation data, with the other overload) after every epoch.
    /// A later call with the same options continues where a cancelled one stopped.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The data does not fit the model, a setting is not positive, or the options differ from those of the fit
    /// already under way (start a new trainer from <see cref="Model"/> to train with other settings).
    /// </exception>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite; the state stays at the step before.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; <see cref="State"/> holds the last completed step.</exception>
    /// <exception cref="InvalidOperationException">A fit is already running on this trainer (on another thread, or this call comes from its callbacks).</exception>
    public RunResult Fit(ILabeledData train, TrainingOptions options, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default) => Fit(train, null, options, progress, cancellation);

    /// <inheritdoc cref="Fit(ILabeledData, TrainingOptions, IProgress{TrainingProgress}?, CancellationToken)"/>
    public RunResult Fit(ILabeledData train, ILabeledData? validation, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (Interlocked.CompareExchange(ref _fitting, 1, 0) != 0)
        {
            throw new InvalidOperationException(
                $"Trainer.Fit: a fit is already running on this trainer (at step {_state.Step}); one trainer runs one fit at a time. "
                + "Wait for it to return, or train on another thread with a new Trainer.");
        }
        try
        {
            return FitAlone(train, validation, options, progress, cancellation);
        }
        finally
        {
            Volatile.Write(ref _fitting, 0);
        }
    }

    private RunResult FitAlone(ILabeledData train, ILabeledData? validation, TrainingOptions options,
        IProgress<TrainingProgress>? progress, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        if (_options is not null && _options != options)
        {
            throw new ArgumentException(
                $"Trainer.Fit: this trainer is {_state.Step} steps into a fit with {_options}; got {options}. Start a new Trainer from Model for other settings.",
                nameof(options));
        }
        TrainConfig config;
        try
        {
            config = new TrainConfig(options.Steps, options.BatchSize, options.LearningRate, options.Seed, precision: options.Precision,
                optimizer: options.Optimizer, schedule: ScheduleNames.Parse(options.Schedule ?? "constant", options.LearningRate, options.Steps), weightDecay: options.WeightDecay, clipNorm: options.ClipNorm);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Trainer.Fit: {e.Message}", nameof(options), e);
        }
        if (_options is null)
        {
            _options = options;
            // The model's values in the run's precision (rounded to float32 for a float32 fit), with fresh optimizer buffers.
            _state = TrainState.FromFloat64(_state.ToFloat64() with { BatchKey = TrainingFold.Keys(options.Seed).Batches }, options.Precision) switch
            {
                TrainState<float> single => single with { Optimizer = config.Rule.Init(single.Params) },
                TrainState<double> wide => wide with { Optimizer = config.Rule.Init(wide.Params) },
                var other => throw new InvalidOperationException($"unreachable: a {other.GetType().Name}"),
            };
        }
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
        return TrainingRun.Run(_network, train, validation ?? train, config, start, hooks, cancellation);
    }
}
