using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Functional.Cli.Output;
using Functional.Facade.Data;
using Functional.Facade.IO;
using Functional.Facade.Reports;
using Functional.Facade.Training;
using Functional.Initializers;
using Functional.Networks;
using Functional.Facade.Naming;
using Functional.Training;

namespace Functional.Cli.Commands;

/// <summary>
/// `compare-optimizers`: the book's optimizer_compare_mnist.py (section 6.1.8). One network, the same He-initialised
/// weights and the same batches for every optimizer; writes the loss curves as a chart and a CSV file.
/// </summary>
internal static class CompareCommand
{
    private const string ChartFile = "optimizers.svg";
    private const string CsvFile = "optimizers.csv";

    public static Command Create()
    {
        var steps = new Option<int>("--steps") { Description = "Steps per optimizer (the book's max_iterations).", DefaultValueFactory = _ => 2000 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per step, drawn with replacement.", DefaultValueFactory = _ => 128 };
        var hidden = new Option<string>("--hidden") { Description = "Hidden widths (ReLU after each).", DefaultValueFactory = _ => "100,100,100,100" };
        var optimizers = new Option<string>("--optimizers")
        {
            Description = $"Optimizers to compare, separated by commas: any of {string.Join(", ", OptimizerNames.All)}. " +
                "Each uses the book's learning rate: 0.001 for adam, 0.01 for the others.",
            DefaultValueFactory = _ => "sgd,momentum,adagrad,adam",
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the initial weights and the batches, shared by every optimizer.", DefaultValueFactory = _ => 0 };
        var data = CliOptions.Data();
        var output = new Option<string?>("--out") { Description = "Directory to write. Default: runs/compare-<time>." };
        var command = new Command("compare-optimizers",
            "Train one network (default 784-100-100-100-100-10, ReLU, He weights) with each optimizer from the same weights on the same batches, " +
            $"and chart the smoothed training losses ({ChartFile}, {CsvFile}): the book's optimizer_compare_mnist.py.")
        {
            steps, batchSize, hidden, optimizers, seed, data, output,
        };
        command.SetAction((parse, cancellation) =>
        {
            Require(parse.GetValue(steps) >= 1, $"--steps must be ≥ 1, got {parse.GetValue(steps)}.");
            Require(parse.GetValue(batchSize) >= 1, $"--batch-size must be ≥ 1, got {parse.GetValue(batchSize)}.");
            var widths = CliOptions.ParseHidden(parse.GetValue(hidden)!);
            var names = ParseOptimizers(parse.GetValue(optimizers)!);
            var directory = parse.GetValue(output) ?? Path.Combine("runs", $"compare-{DateTime.Now:yyyyMMdd-HHmmss}");
            RunDirectory.RequireFree(directory);
            var loaded = CliOptions.LoadData(parse.GetValue(data));
            var network = Network.Sequential([loaded.Train.Features, .. widths, loaded.Train.Classes], Activation.Relu);
            return Task.FromResult(Run(directory, network, loaded, names, parse.GetValue(steps), parse.GetValue(batchSize),
                parse.GetValue(seed), cancellation));
        });
        return command;
    }

    /// <summary>The book's learning rate for each optimizer (optimizer_compare_mnist.py; nesterov and rmsprop as in common/optimizer.py).</summary>
    private static double LearningRate(string optimizer) => optimizer == "adam" ? 0.001 : 0.01;

    private static string[] ParseOptimizers(string text)
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            Require(OptimizerNames.All.Contains(name),
                $"--optimizers: unknown optimizer '{name}'; expected names from {string.Join(", ", OptimizerNames.All)} separated by commas.");
            Require(seen.Add(name), $"--optimizers: '{name}' is listed twice.");
        }
        return names;
    }

    private static int Run(string directory, Network network, MnistData data, string[] names, int steps, int batchSize, ulong seed,
        CancellationToken cancellation)
    {
        Console.WriteLine($"data     {data.Source}: {data.Train.Count} train, {data.Test.Count} test");
        Console.WriteLine($"network  {network.Describe()}, He initial weights");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training {steps} steps per optimizer, batch {batchSize}, seed {seed}, float64"));

        var bar = new ProgressBar(Console.Error, !Console.IsErrorRedirected);
        var results = new List<Result>();
        foreach (var name in names)
        {
            var config = new TrainConfig(steps, batchSize, LearningRate(name), seed, optimizer: OptimizerNames.Parse(name), initializer: new He());
            var state = TrainingFold.Start(network, config);
            var losses = new double[steps];
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < steps; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                var step = TrainingFold.Step(network, state, data.Train, config);
                (state, losses[i]) = (step.State, step.Loss);
                bar.Update(new StepReport(state.Step, steps, step.Loss, clock.Elapsed, i + 1));
            }
            clock.Stop();
            bar.Clear();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {steps} steps in {clock.Elapsed.TotalSeconds:F1} s ({1000 * clock.Elapsed.TotalSeconds / steps:F2} ms/step)"));
            results.Add(new Result(name, config.LearningRate, losses, ComparisonChart.Smooth(losses)[^1],
                TrainingRun.Accuracy(network, state, data.Train), TrainingRun.Accuracy(network, state, data.Test)));
        }

        // Written only now, so a cancelled or failed run leaves no directory behind.
        var title = string.Create(CultureInfo.InvariantCulture,
            $"Optimizers: {string.Join("-", network.Sizes)} ReLU, He init, batch {batchSize}, seed {seed}");
        var chart = ComparisonChart.Svg([.. results.Select(r => (r.Name, (IReadOnlyList<double>)r.Losses))], title);
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, CsvFile), Csv(results, steps));
        AtomicFile.WriteAllText(Path.Combine(directory, ChartFile), chart);

        Console.WriteLine();
        Console.WriteLine("optimizer      lr   smoothed loss   train acc   test acc");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-9} {r.LearningRate,7} {r.SmoothedLoss,15:G4} {r.TrainAccuracy,11:P2} {r.TestAccuracy,10:P2}"));
        }
        Console.WriteLine();
        Console.WriteLine($"wrote {directory}/: {ChartFile} {CsvFile}");
        return 0;
    }

    private static string Csv(List<Result> results, int steps)
    {
        var csv = new StringBuilder("step");
        foreach (var r in results)
        {
            csv.Append(',').Append(r.Name);
        }
        csv.Append('\n');
        for (var i = 0; i < steps; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i + 1}");
            foreach (var r in results)
            {
                csv.Append(CultureInfo.InvariantCulture, $",{r.Losses[i]:R}");
            }
            csv.Append('\n');
        }
        return csv.ToString();
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }

    private sealed record Result(string Name, double LearningRate, double[] Losses, double SmoothedLoss, double TrainAccuracy, double TestAccuracy);
}
