using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Functional.Cli.Output;
using Functional.Facade.IO;
using Functional.Facade.Reports;
using Functional.Facade.Training;
using Functional.Networks;
using Functional.Training;

namespace Functional.Cli.Commands;

/// <summary>`train`: the book's train_neuralnet.py, writing a run directory.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var steps = new Option<int>("--steps") { Description = "SGD steps.", DefaultValueFactory = _ => 10_000 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per step, drawn with replacement.", DefaultValueFactory = _ => 100 };
        var lr = new Option<double>("--lr") { Description = "Learning rate.", DefaultValueFactory = _ => 0.1 };
        var hidden = new Option<string>("--hidden") { Description = "Hidden widths, e.g. 50 or 100,100.", DefaultValueFactory = _ => "50" };
        var activation = new Option<string>("--activation") { Description = "relu or sigmoid.", DefaultValueFactory = _ => "relu" };
        activation.AcceptOnlyFromAmong("relu", "sigmoid");
        var seed = new Option<ulong>("--seed") { Description = "Seed of the initial weights and the batches.", DefaultValueFactory = _ => 0 };
        var data = CliOptions.Data();
        var output = new Option<string?>("--out") { Description = "Run directory to write. Default: runs/train-<time>." };
        var command = new Command("train", "Train a network on MNIST-format data (default: the book's TwoLayerNet, 784-50-10).")
        {
            steps, batchSize, lr, hidden, activation, seed, data, output,
        };
        command.SetAction((parse, cancellation) => Task.FromResult(Run(
            parse.GetValue(steps), parse.GetValue(batchSize), parse.GetValue(lr), parse.GetValue(hidden)!,
            parse.GetValue(activation)!, parse.GetValue(seed), parse.GetValue(data), parse.GetValue(output), cancellation)));
        return command;
    }

    private static int Run(int steps, int batchSize, double lr, string hidden, string activation, ulong seed,
        string? dataDirectory, string? outDirectory, CancellationToken cancellation)
    {
        // Flags are checked before anything is read or written.
        Require(steps >= 1, $"--steps must be ≥ 1, got {steps}.");
        Require(batchSize >= 1, $"--batch-size must be ≥ 1, got {batchSize}.");
        Require(lr > 0 && double.IsFinite(lr), $"--lr must be a positive finite number, got {lr.ToString(CultureInfo.InvariantCulture)}.");
        var widths = CliOptions.ParseHidden(hidden);
        var config = new TrainConfig(steps, batchSize, lr, seed);
        var runDirectory = outDirectory ?? Path.Combine("runs", $"train-{DateTime.Now:yyyyMMdd-HHmmss}");
        RunDirectory.RequireFree(runDirectory);

        var data = CliOptions.LoadData(dataDirectory);
        var network = Network.Sequential([data.Train.Features, .. widths, data.Train.Classes],
            activation == "sigmoid" ? Activation.Sigmoid : Activation.Relu);
        Console.WriteLine($"data     {data.Source}: {data.Train.Count} train, {data.Test.Count} test");
        Console.WriteLine($"network  {network.Describe()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training {steps} steps, batch {batchSize}, lr {lr}, seed {seed}, {config.StepsPerEpoch(data.Train.Count)} steps per epoch"));

        Directory.CreateDirectory(runDirectory);
        AtomicFile.WriteAllText(Path.Combine(runDirectory, "config.json"), Json.Format(ConfigJson(network, config, data)));

        var bar = new ProgressBar(Console.Error, !Console.IsErrorRedirected);
        Console.WriteLine();
        Console.WriteLine("epoch     step      loss   train acc   test acc");
        var result = TrainingRun.Run(network, data, config, bar.Update, epoch =>
        {
            bar.Clear();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{epoch.Epoch,5} {epoch.Step,8} {epoch.MeanLoss,9:F4} {epoch.TrainAccuracy,10:P2} {epoch.TestAccuracy,10:P2}"));
        }, cancellation);
        bar.Clear();

        var last = result.Epochs[^1];
        var seconds = result.TrainingTime.TotalSeconds;
        var paramsHash = result.State.Params.Sha256();
        AtomicFile.WriteAllBytes(Path.Combine(runDirectory, "params.safetensors"), SafeTensors.Encode(result.State.Params, new Dictionary<string, string>
        {
            ["network"] = string.Join(",", network.Sizes),
            ["activation"] = network.Activation.ToString().ToLowerInvariant(),
            ["step"] = result.State.Step.ToString(CultureInfo.InvariantCulture),
        }));
        AtomicFile.WriteAllText(Path.Combine(runDirectory, "metrics.csv"), MetricsCsv(result));
        AtomicFile.WriteAllText(Path.Combine(runDirectory, "curves.svg"), LearningCurveChart.Render(
            [.. result.Epochs.Select(e => new EpochPoint(e.Epoch, e.Step, e.MeanLoss, e.TrainAccuracy, e.TestAccuracy))],
            $"{network.Describe()}, batch {batchSize}, lr {lr.ToString(CultureInfo.InvariantCulture)}"));
        AtomicFile.WriteAllText(Path.Combine(runDirectory, "summary.json"), Json.Format(new JsonObject
        {
            ["train_accuracy"] = last.TrainAccuracy,
            ["test_accuracy"] = last.TestAccuracy,
            ["final_epoch_loss"] = last.MeanLoss,
            ["steps"] = result.State.Step,
            ["seconds"] = Math.Round(seconds, 3),
            ["ms_per_step"] = Math.Round(1000 * seconds / result.State.Step, 4),
            ["params_sha256"] = paramsHash,
            ["data_sha256"] = data.Fingerprint,
        }));

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train accuracy {last.TrainAccuracy:P2}, test accuracy {last.TestAccuracy:P2}; {seconds:F1} s training, {1000 * seconds / steps:F3} ms/step"));
        Console.WriteLine($"params sha256 {paramsHash}");
        Console.WriteLine($"wrote {runDirectory}/: config.json metrics.csv params.safetensors curves.svg summary.json");
        return 0;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }

    private static JsonObject ConfigJson(Network network, TrainConfig config, Facade.Data.MnistData data) => new()
    {
        ["network"] = new JsonArray([.. network.Sizes.Select(s => (JsonNode)s)]),
        ["activation"] = network.Activation.ToString().ToLowerInvariant(),
        ["steps"] = config.Steps,
        ["batch_size"] = config.BatchSize,
        ["learning_rate"] = config.LearningRate,
        ["seed"] = config.Seed,
        ["weight_std"] = config.WeightStd,
        ["optimizer"] = "sgd",
        ["data"] = data.Source,
        ["data_sha256"] = data.Fingerprint,
        ["library_version"] = typeof(Mlp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
    };

    private static string MetricsCsv(RunResult result)
    {
        var csv = new StringBuilder("kind,step,epoch,loss,train_accuracy,test_accuracy\n");
        var epochs = result.Epochs.ToDictionary(e => e.Step);
        for (var i = 0; i < result.StepLosses.Count; i++)
        {
            var step = i + 1;
            csv.Append(CultureInfo.InvariantCulture, $"step,{step},,{result.StepLosses[i]:R},,\n");
            if (epochs.TryGetValue(step, out var e))
            {
                csv.Append(CultureInfo.InvariantCulture, $"epoch,{e.Step},{e.Epoch},{e.MeanLoss:R},{e.TrainAccuracy:R},{e.TestAccuracy:R}\n");
            }
        }
        return csv.ToString();
    }
}
