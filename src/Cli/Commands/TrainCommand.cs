using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Functional.Cli.Output;
using Functional.Facade.Data;
using Functional.Facade.IO;
using Functional.Facade.Naming;
using Functional.Facade.Replay;
using Functional.Facade.Reports;
using Functional.Facade.Training;
using Functional.Networks;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Cli.Commands;

/// <summary>`train`: the book's train_neuralnet.py, writing a run directory.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var book = TrainingPreset.Book;
        var preset = new Option<string?>("--preset")
        {
            Description = "Start from named settings (" + string.Join("; ", TrainingPreset.All) + "); flags given too override them.",
        };
        preset.AcceptOnlyFromAmong([.. TrainingPreset.All.Select(p => p.Name)]);
        var steps = new Option<int>("--steps") { Description = "Training steps.", DefaultValueFactory = _ => book.Steps };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per step, drawn with replacement.", DefaultValueFactory = _ => book.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Learning rate (the schedule's starting rate).", DefaultValueFactory = _ => book.LearningRate };
        var hidden = new Option<string>("--hidden") { Description = "Hidden widths, e.g. 50 or 100,100.", DefaultValueFactory = _ => string.Join(",", book.Hidden) };
        var activation = new Option<string>("--activation") { Description = "relu, sigmoid, tanh or leakyrelu.", DefaultValueFactory = _ => book.Activation };
        activation.AcceptOnlyFromAmong([.. ActivationNames.All]);
        var optimizer = new Option<string>("--optimizer") { Description = "sgd, momentum, nesterov, adagrad, rmsprop or adam.", DefaultValueFactory = _ => book.Optimizer };
        optimizer.AcceptOnlyFromAmong([.. OptimizerNames.All]);
        var init = new Option<string>("--init") { Description = "Weight initializer: normal, normal:STD, xavier or he.", DefaultValueFactory = _ => book.Init };
        var weightDecay = new Option<double>("--weight-decay") { Description = "λ of weight decay on every W (0: none).", DefaultValueFactory = _ => book.WeightDecay };
        var dropout = new Option<double>("--dropout") { Description = "Dropout ratio after every hidden layer (0: none).", DefaultValueFactory = _ => book.Dropout };
        var batchNorm = new Option<bool>("--batchnorm") { Description = "BatchNorm after every hidden Affine layer." };
        var net = new Option<string?>("--net")
        {
            HelpName = "SPEC",
            Description = "The layers before the loss, separated by commas: affine:OUTPUTS, relu, sigmoid, tanh, leakyrelu[:ALPHA], " +
                "batchnorm[:MOMENTUM:EPSILON], dropout:RATIO, residual(LAYERS) for x + layers(x); e.g. affine:100,tanh,batchnorm,dropout:0.2,affine:10. " +
                "The input width comes from the data; the last layer gives one score per class. Replaces --hidden, --activation, --batchnorm and --dropout.",
        };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule: constant, step, step:EVERY:FACTOR, cosine or cosine:MINRATE.", DefaultValueFactory = _ => book.Schedule };
        var clipNorm = new Option<double?>("--clip-norm") { Description = "Clip the gradient to this global norm (default: no clipping)." };
        var transform = new Option<string?>("--transform")
        {
            HelpName = "CHAIN",
            Description = "The update as a chain of links applied in order, separated by commas: clip:MAXNORM, decay:LAMBDA, then an optimizer " +
                "(sgd, momentum, nesterov, adagrad, rmsprop, adam), e.g. clip:1,decay:1e-4,adam. Replaces --optimizer, --weight-decay and --clip-norm " +
                "(which give the chain decay, clip, optimizer).",
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the initial weights, the batches and the dropout masks.", DefaultValueFactory = _ => 0 };
        var precision = new Option<string>("--precision") { Description = "float64, or float32 (every layer, optimizer and schedule; faster).", DefaultValueFactory = _ => "float64" };
        precision.AcceptOnlyFromAmong("float64", "float32");
        var data = CliOptions.Data();
        var output = new Option<string?>("--out") { Description = "Run directory to write. Default: runs/train-<time>." };
        var logEvery = new Option<int>("--log-every") { Description = "Record every K-th step in the replay log.", DefaultValueFactory = _ => 1 };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Write a checkpoint every N steps (0: never).", DefaultValueFactory = _ => 0 };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this directory from its newest valid checkpoint." };
        var settingOptions = new Option[] { preset, steps, batchSize, lr, hidden, activation, optimizer, init, weightDecay, dropout, batchNorm, net, schedule, clipNorm, transform, seed, precision, data, output, logEvery, checkpointEvery };
        var command = new Command("train", "Train a network on MNIST-format data (default: the book's TwoLayerNet, 784-50-10).");
        foreach (var option in settingOptions)
        {
            command.Options.Add(option);
        }
        command.Options.Add(resume);
        // The action runs on its own task so that System.CommandLine, which listens for Ctrl+C (SIGINT) only once
        // the action has returned its task, can cancel the run from the first step (see Program.cs).
        command.SetAction((parse, cancellation) => Task.Run(() => Execute(parse, cancellation), CancellationToken.None));
        return command;

        int Execute(ParseResult parse, CancellationToken cancellation)
        {
            if (parse.GetValue(resume) is { } runDirectory)
            {
                var given = settingOptions.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToArray();
                Require(given.Length == 0, $"--resume takes every setting from {runDirectory}/config.json; drop {string.Join(", ", given)}.");
                return Resume(runDirectory, cancellation);
            }
            // A flag given explicitly wins; otherwise the preset's value (or the book's, without a preset).
            var chosen = parse.GetValue(preset) is { } name ? TrainingPreset.Named(name) : book;
            T Pick<T>(Option<T> option, T fromPreset) => parse.GetResult(option) is { Implicit: false } ? parse.GetValue(option)! : fromPreset;
            var stepCount = Pick(steps, chosen.Steps);
            var batch = Pick(batchSize, chosen.BatchSize);
            var rate = Pick(lr, chosen.LearningRate);
            Require(stepCount >= 1, $"--steps must be ≥ 1, got {stepCount}.");
            Require(batch >= 1, $"--batch-size must be ≥ 1, got {batch}.");
            Require(rate > 0 && double.IsFinite(rate), $"--lr must be a positive finite number, got {rate.ToString(CultureInfo.InvariantCulture)}.");
            Require(parse.GetValue(logEvery) >= 1, $"--log-every must be ≥ 1, got {parse.GetValue(logEvery)}.");
            Require(parse.GetValue(checkpointEvery) >= 0, $"--checkpoint-every must be ≥ 0, got {parse.GetValue(checkpointEvery)}.");
            var decay = Pick(weightDecay, chosen.WeightDecay);
            Require(decay >= 0 && double.IsFinite(decay), $"--weight-decay must be ≥ 0 and finite, got {decay.ToString(CultureInfo.InvariantCulture)}.");
            var ratio = Pick(dropout, chosen.Dropout);
            Require(ratio is >= 0 and < 1, $"--dropout must be in [0, 1), got {ratio.ToString(CultureInfo.InvariantCulture)}.");
            var clip = parse.GetValue(clipNorm);
            Require(clip is null || (clip > 0 && double.IsFinite(clip.Value)), $"--clip-norm must be a positive finite number, got {clip?.ToString(CultureInfo.InvariantCulture)}.");
            if (parse.GetValue(net) is not null)
            {
                var shorthands = new Option[] { hidden, activation, batchNorm, dropout }.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToArray();
                Require(shorthands.Length == 0, $"--net gives every layer; drop {string.Join(", ", shorthands)}, or describe them in --net.");
            }
            var chain = parse.GetValue(transform);
            if (chain is not null)
            {
                var replaced = new Option[] { optimizer, weightDecay, clipNorm }.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToArray();
                Require(replaced.Length == 0, $"--transform gives the whole update; drop {string.Join(", ", replaced)}, or write them as links (decay:LAMBDA, clip:MAXNORM, the optimizer).");
            }
            var widths = CliOptions.ParseHidden(parse.GetResult(hidden) is { Implicit: false } ? parse.GetValue(hidden)! : string.Join(",", chosen.Hidden));
            TrainConfig train;
            try
            {
                train = new TrainConfig(stepCount, batch, rate, parse.GetValue(seed),
                    precision: PrecisionNames.Parse(parse.GetValue(precision)!),
                    optimizer: chain is null ? OptimizerNames.Parse(Pick(optimizer, chosen.Optimizer)) : null,
                    schedule: ScheduleNames.Parse(Pick(schedule, chosen.Schedule), rate, stepCount),
                    weightDecay: chain is null ? decay : 0,
                    clipNorm: chain is null ? clip : null,
                    initializer: InitializerNames.Parse(Pick(init, chosen.Init)),
                    transform: chain is null ? null : TransformNames.Parse(chain));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"train: {e.Message}", e);
            }
            var directory = parse.GetValue(output) ?? Path.Combine("runs", $"train-{DateTime.Now:yyyyMMdd-HHmmss}");
            RunDirectory.RequireFree(directory);

            var dataDirectory = parse.GetValue(data);
            var loaded = CliOptions.LoadData(dataDirectory);
            // The shorthands are a spec too: every network the CLI trains is built from one, through the façade.
            var network = NetworkOf(
                parse.GetValue(net) ?? NetSpec.ForMlp(widths, Pick(activation, chosen.Activation), Pick(batchNorm, chosen.BatchNorm), ratio, loaded.Train.Classes),
                loaded.Train.Features, loaded.Train.Classes);
            var config = new RunConfig(network, train, dataDirectory is null ? null : Path.GetFullPath(dataDirectory), loaded.Fingerprint,
                parse.GetValue(logEvery), parse.GetValue(checkpointEvery), RunConfig.CurrentLibraryVersion);
            Directory.CreateDirectory(directory);
            AtomicFile.WriteAllText(Path.Combine(directory, "config.json"), Json.Format(config.ToJson()));
            using var log = ReplayLogWriter.Create(Path.Combine(directory, ReplayLog.FileName), config);
            return Run(directory, config, loaded, null, log, cancellation);
        }
    }

    // The network --net describes, on inputs of the data's width; its last layer must give one score per class.
    private static Network NetworkOf(string spec, int features, int classes)
    {
        Network network;
        try
        {
            network = NetSpec.Network(spec, new Shape(features));
        }
        catch (ArgumentException e)
        {
            // Without the " (Parameter 'body')" .NET appends: an API's parameter name means nothing on the command line.
            var message = e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;
            throw new ArgumentException($"train: --net: {message}", e);
        }
        if (network.OutputSize != classes)
        {
            throw new ArgumentException($"train: --net \"{spec}\" gives {network.OutputSize} scores per sample, but the data has {classes} classes; end it with affine:{classes}.");
        }
        return network;
    }

    private static int Resume(string directory, CancellationToken cancellation)
    {
        var configPath = Path.Combine(directory, "config.json");
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"{configPath} not found; --resume needs a run directory written by train.", configPath);
        }
        if (File.Exists(Path.Combine(directory, "summary.json")))
        {
            throw new ArgumentException($"--resume: {directory} holds a finished run (summary.json); nothing to resume.");
        }
        RunDirectory.RequireWritable(directory, "--resume:");
        var config = RunConfig.Load(configPath);
        var data = CliOptions.LoadData(config.DataDirectory);
        if (data.Fingerprint != config.DataSha256)
        {
            throw new InvalidDataException($"{configPath}: the run used data with SHA-256 {config.DataSha256}, but {data.Source} now has {data.Fingerprint}.");
        }
        var (start, skipped) = Checkpoints.LoadNewest(directory, config);
        foreach (var reason in skipped)
        {
            Console.Error.WriteLine($"warning: skipped checkpoint: {reason}");
        }
        var log = ReplayLog.Read(Path.Combine(directory, ReplayLog.FileName), tolerateTornTail: true);
        var step = start?.State.Step ?? 0;
        if (start is not null && log.Steps.FirstOrDefault(r => r.Step == step) is { } recorded
            && !recorded.ParamHashes.SequenceEqual(start.State.LeafHashes()))
        {
            throw new InvalidDataException($"{log.Path}: step {step}'s recorded parameters differ from the checkpoint's; the run directory is inconsistent.");
        }
        Console.WriteLine(start is null
            ? $"resuming {directory}: no valid checkpoint, starting again from step 0"
            : $"resuming {directory} from step {step} ({Checkpoints.PathOf(directory, step)})");
        using var writer = ReplayLogWriter.ContinueAt(log, step);
        return Run(directory, config, data, start, writer, cancellation);
    }

    private static int Run(string runDirectory, RunConfig config, MnistData data, RunStart? start, ReplayLogWriter log,
        CancellationToken cancellation)
    {
        var (network, train) = (config.Network, config.Train);
        Console.WriteLine($"data     {data.Source}: {data.Train.Count} train, {data.Test.Count} test");
        Console.WriteLine($"network  {network.Describe()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training {train.Steps} steps, batch {train.BatchSize}, {train.Optimizer.Name} lr {train.LearningRate} ({train.Schedule.Spec}), init {train.Initializer.Spec}, " +
            $"{(train.ExplicitTransform is null ? string.Create(CultureInfo.InvariantCulture, $"weight decay {train.WeightDecay}") : $"update {train.Transform.Spec}")}, seed {train.Seed}, {PrecisionNames.Of(train.Precision)}, {train.StepsPerEpoch(data.Train.Count)} steps per epoch"));

        var bar = new ProgressBar(Console.Error, !Console.IsErrorRedirected);
        Console.WriteLine();
        Console.WriteLine("epoch     step      loss   train acc   test acc");
        // What an interruption or a failed checkpoint reports: the last step done and the checkpoint a resume starts from.
        var lastStep = start?.State.Step ?? 0;
        var newestCheckpoint = start is null ? null : Checkpoints.PathOf(runDirectory, start.State.Step);
        var hooks = new RunHooks
        {
            Progress = bar.Update,
            Step = (state, loss) =>
            {
                if (state.Step % config.LogEvery == 0 || state.Step == train.Steps)
                {
                    log.Step(state.Step, loss, state.LeafHashes());
                }
                lastStep = state.Step;
            },
            LossExploded = explosion =>
            {
                bar.Clear();
                Console.Error.WriteLine(LossExplosionWarning(explosion, train.LearningRate));
            },
            Epoch = epoch =>
            {
                log.Epoch(epoch);
                bar.Clear();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{epoch.Epoch,5} {epoch.Step,8} {epoch.MeanLoss,9:F4} {epoch.TrainAccuracy,10:P2} {epoch.TestAccuracy,10:P2}"));
            },
            CheckpointEvery = config.CheckpointEvery,
            Checkpoint = checkpoint =>
            {
                try
                {
                    Checkpoints.Write(runDirectory, checkpoint, config);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    bar.Clear();
                    // The write left no partial file; the log and the earlier checkpoints still agree.
                    throw new IOException($"checkpoint at step {checkpoint.State.Step}: {e.Message}; the run stops; " +
                        $"{(newestCheckpoint is null ? "no earlier checkpoint, a resume starts again from step 0" : $"the earlier checkpoint {newestCheckpoint} is kept")}; " +
                        $"once it can be written, resume with: {ShellCommand.Resume(runDirectory)}", e);
                }
                newestCheckpoint = Checkpoints.PathOf(runDirectory, checkpoint.State.Step);
            },
        };
        RunResult result;
        try
        {
            result = TrainingRun.Run(network, data.Train, data.Test, train, start, hooks, cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Ctrl+C: the step in progress finished, its log line is flushed and every checkpoint is whole.
            bar.Clear();
            Console.Error.WriteLine(InterruptionLine(runDirectory, lastStep, train.Steps, newestCheckpoint));
            return Interrupted;
        }
        bar.Clear();

        var last = result.History.Epochs[^1];
        var seconds = result.TrainingTime.TotalSeconds;
        var msPerStep = 1000 * seconds / Math.Max(1, result.StepsTimed);
        var paramsHash = result.State.Tensors.Sha256();
        log.End(result.State.Step, paramsHash);
        var metadata = ModelMetadata.Of(network);
        metadata["step"] = result.State.Step.ToString(CultureInfo.InvariantCulture);
        AtomicFile.WriteAllBytes(Path.Combine(runDirectory, "params.safetensors"), SafeTensors.Encode(result.State.Tensors, metadata));
        AtomicFile.WriteAllText(Path.Combine(runDirectory, "metrics.csv"), MetricsCsv(result.History));
        AtomicFile.WriteAllText(Path.Combine(runDirectory, "curves.svg"), LearningCurveChart.Render(
            [.. result.History.Epochs.Select(e => new EpochPoint(e.Epoch, e.Step, e.MeanLoss, e.TrainAccuracy, e.TestAccuracy))],
            $"{network.Describe()}, batch {train.BatchSize}, lr {train.LearningRate.ToString(CultureInfo.InvariantCulture)}"));
        AtomicFile.WriteAllText(Path.Combine(runDirectory, "summary.json"), Json.Format(new JsonObject
        {
            ["train_accuracy"] = last.TrainAccuracy,
            ["test_accuracy"] = last.TestAccuracy,
            ["final_epoch_loss"] = last.MeanLoss,
            ["steps"] = result.State.Step,
            ["seconds"] = Math.Round(seconds, 3),
            ["ms_per_step"] = Math.Round(msPerStep, 4),
            ["steps_timed"] = result.StepsTimed,
            ["params_sha256"] = paramsHash,
            ["data_sha256"] = data.Fingerprint,
            ["vector_bits"] = System.Numerics.Vector.IsHardwareAccelerated ? 8 * System.Numerics.Vector<byte>.Count : 0,
            ["processor_count"] = Environment.ProcessorCount,
        }));

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train accuracy {last.TrainAccuracy:P2}, test accuracy {last.TestAccuracy:P2}; {seconds:F1} s training, {msPerStep:F3} ms/step"));
        Console.WriteLine($"params sha256 {paramsHash}");
        Console.WriteLine($"wrote {runDirectory}/: config.json replay.jsonl metrics.csv params.safetensors curves.svg summary.json");
        return 0;
    }

    /// <summary>The exit code of a run stopped by Ctrl+C: 128 + SIGINT, as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>The one line Ctrl+C prints: the last step done, the checkpoint a resume starts from, the command to resume.</summary>
    internal static string InterruptionLine(string runDirectory, long lastStep, long totalSteps, string? newestCheckpoint) =>
        string.Create(CultureInfo.InvariantCulture, $"interrupted after step {lastStep} of {totalSteps}; ") +
        (newestCheckpoint is null ? "no checkpoint yet (resume starts again from step 0)" : $"newest checkpoint {newestCheckpoint}") +
        $"; resume with: {ShellCommand.Resume(runDirectory)}";

    /// <summary>The warning printed once when a finite loss explodes.</summary>
    internal static string LossExplosionWarning(LossExplosion explosion, double learningRate) => string.Create(CultureInfo.InvariantCulture,
        $"warning: step {explosion.Step}: loss {explosion.Loss:G4} is over {LossWatch.Factor:G}× the first step's loss {explosion.FirstLoss:G4}; " +
        $"the learning rate (--lr {learningRate:R}) is probably too high");

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }

    private static string MetricsCsv(RunHistory history)
    {
        var csv = new StringBuilder("kind,step,epoch,loss,train_accuracy,test_accuracy\n");
        var epochs = history.Epochs.ToDictionary(e => e.Step);
        for (var i = 0; i < history.StepLosses.Count; i++)
        {
            var step = i + 1;
            csv.Append(CultureInfo.InvariantCulture, $"step,{step},,{history.StepLosses[i]:R},,\n");
            if (epochs.TryGetValue(step, out var e))
            {
                csv.Append(CultureInfo.InvariantCulture, $"epoch,{e.Step},{e.Epoch},{e.MeanLoss:R},{e.TrainAccuracy:R},{e.TestAccuracy:R}\n");
            }
        }
        return csv.ToString();
    }
}
