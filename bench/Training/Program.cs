// Whole-training benchmark: the default network (784-50-10, ReLU, batch 100 drawn with replacement, lr 0.1,
// N(0, 0.01²) weights, seed 0) trained for --steps steps by the pure fold, TrainingFold.Step, on the embedded
// MNIST digits (or --data DIR). Only the steps are timed: no evaluation runs inside the timed loop; train and test
// accuracy are computed once, after it. Human-readable lines go to stderr, one JSON line to stdout.
//
//   dotnet run -c Release --project bench/Training -- [--steps 10000] [--data DIR] [--threads N]
//                                                     [--batch-size 100] [--lr 0.1] [--hidden 50] [--seed 0]
//                                                     [--precision float64|float32]
//
// --threads N re-runs this program in a child process with DOTNET_PROCESSOR_COUNT=N (the runtime reads it at
// start-up only), which is what Environment.ProcessorCount, and so the library's parallel kernels, see.
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using Functional.Facade.Data;
using Functional.Facade.Naming;
using Functional.Facade.Training;
using Functional.Networks;
using Functional.Training;

const int WarmupSteps = 100;

var options = Options.Parse(args);
if (options is null)
{
    return args.Contains("--help") || args.Contains("-h") ? 0 : 2;
}
if (options.Threads is int threads && threads != Environment.ProcessorCount)
{
    return Relaunch(args, threads);
}

var data = options.Data is null ? Mnist.LoadEmbedded() : Mnist.LoadDirectory(options.Data);
var sizes = new List<int> { data.Train.Features };
sizes.AddRange(options.Hidden);
sizes.Add(data.Train.Classes);
var network = Network.Sequential(sizes);
var config = new TrainConfig(steps: options.Steps, batchSize: options.BatchSize, learningRate: options.LearningRate, seed: options.Seed, precision: options.Precision);
var flopsPerStep = FlopsPerStep(sizes, options.BatchSize);
Console.Error.WriteLine(
    $"training {network.Describe()} on {data.Source} ({data.Train.Count} train, {data.Test.Count} test): " +
    $"{options.Steps} steps, batch {options.BatchSize}, lr {options.LearningRate}, seed {options.Seed}, " +
    $"{Environment.ProcessorCount} processors, {flopsPerStep / 1e6:0.###} MFLOP/step in matrix products");

var state = TrainingFold.Start(network, config);
var lastLoss = double.NaN;
var gcBefore = (Gen0: GC.CollectionCount(0), Gen1: GC.CollectionCount(1), Gen2: GC.CollectionCount(2), Pause: GC.GetTotalPauseDuration());
var allocBefore = GC.GetTotalAllocatedBytes(precise: true);
var threadAllocBefore = GC.GetAllocatedBytesForCurrentThread();
var clock = Stopwatch.StartNew();
var warmupEnd = TimeSpan.Zero;
for (var i = 0; i < options.Steps; i++)
{
    var step = TrainingFold.Step(network, state, data.Train, config);
    state = step.State;
    lastLoss = step.Loss;
    if (i + 1 == WarmupSteps)
    {
        warmupEnd = clock.Elapsed;
    }
}
clock.Stop();
var threadAlloc = GC.GetAllocatedBytesForCurrentThread() - threadAllocBefore;
var alloc = GC.GetTotalAllocatedBytes(precise: true) - allocBefore;
var gc = (Gen0: GC.CollectionCount(0) - gcBefore.Gen0, Gen1: GC.CollectionCount(1) - gcBefore.Gen1,
    Gen2: GC.CollectionCount(2) - gcBefore.Gen2, Pause: GC.GetTotalPauseDuration() - gcBefore.Pause);

var trainAccuracy = TrainingRun.Accuracy(network, state, data.Train);
var testAccuracy = TrainingRun.Accuracy(network, state, data.Test);
using var self = Process.GetCurrentProcess();
self.Refresh();

var seconds = clock.Elapsed.TotalSeconds;
var msPerStep = 1000.0 * seconds / options.Steps;
double? steadyMsPerStep = options.Steps > WarmupSteps
    ? 1000.0 * (clock.Elapsed - warmupEnd).TotalSeconds / (options.Steps - WarmupSteps)
    : null;
var result = new Dictionary<string, object?>
{
    ["impl"] = "ours-csharp",
    ["steps"] = options.Steps,
    ["ms_per_step"] = Math.Round(msPerStep, 4),
    ["gflops"] = Math.Round(flopsPerStep / (msPerStep * 1e6), 3),
    ["alloc_bytes_per_step"] = alloc / options.Steps,
    ["peak_working_set_mb"] = Math.Round(self.PeakWorkingSet64 / (1024.0 * 1024.0), 1),
    ["train_accuracy"] = trainAccuracy,
    ["test_accuracy"] = testAccuracy,
    ["steady_ms_per_step"] = steadyMsPerStep is double s ? Math.Round(s, 4) : null,
    ["warmup_steps"] = WarmupSteps,
    ["flops_per_step"] = flopsPerStep,
    ["seconds"] = Math.Round(seconds, 3),
    ["thread_alloc_bytes_per_step"] = threadAlloc / options.Steps,
    ["gc_gen0"] = gc.Gen0,
    ["gc_gen1"] = gc.Gen1,
    ["gc_gen2"] = gc.Gen2,
    ["gc_pause_ms"] = Math.Round(gc.Pause.TotalMilliseconds, 1),
    ["final_loss"] = lastLoss,
    ["params_sha256"] = state.Tensors.Sha256(),
    ["network"] = network.Describe(),
    ["batch_size"] = options.BatchSize,
    ["lr"] = options.LearningRate,
    ["seed"] = options.Seed,
    ["precision"] = PrecisionNames.Of(options.Precision),
    ["data"] = data.Source,
    ["processor_count"] = Environment.ProcessorCount,
    ["server_gc"] = GCSettings.IsServerGC,
    ["tiered_compilation"] = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") is { } tc
        ? tc != "0"
        : AppContext.GetData("System.Runtime.TieredCompilation") is not (false or "false"),
    ["vector_bits"] = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0,
    ["runtime"] = RuntimeInformation.FrameworkDescription,
};
Console.Error.WriteLine(
    $"{options.Steps} steps in {seconds:0.000} s: {msPerStep:0.000} ms/step ({steadyMsPerStep:0.000} after the first {WarmupSteps}), " +
    $"{flopsPerStep / (msPerStep * 1e6):0.00} GFLOP/s, {alloc / options.Steps / 1024.0:0.0} KiB allocated/step, " +
    $"peak working set {self.PeakWorkingSet64 / (1024.0 * 1024.0):0.0} MiB, train {trainAccuracy:0.0000}, test {testAccuracy:0.0000}");
Console.WriteLine(JsonSerializer.Serialize(result));
return 0;

// The flops of one step's matrix products: every layer's forward x·W (2·B·in·out), every layer's dW = xᵀ·dOut
// (2·in·B·out) and every layer's dx = dOut·Wᵀ (2·B·out·in) except the first, whose input needs no gradient.
static long FlopsPerStep(IReadOnlyList<int> sizes, int batch)
{
    long flops = 0;
    for (var k = 1; k < sizes.Count; k++)
    {
        long product = 2L * batch * sizes[k - 1] * sizes[k];
        flops += k == 1 ? 2 * product : 3 * product;
    }
    return flops;
}

static int Relaunch(string[] args, int threads)
{
    var start = new ProcessStartInfo { UseShellExecute = false };
    var host = Environment.ProcessPath ?? "dotnet";
    start.FileName = host;
    if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
    {
        start.ArgumentList.Add(typeof(Options).Assembly.Location);
    }
    foreach (var a in args)
    {
        start.ArgumentList.Add(a);
    }
    start.Environment["DOTNET_PROCESSOR_COUNT"] = threads.ToString(CultureInfo.InvariantCulture);
    using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}");
    child.WaitForExit();
    return child.ExitCode;
}

internal sealed record Options(int Steps, string? Data, int? Threads, int BatchSize, double LearningRate, IReadOnlyList<int> Hidden, ulong Seed,
    Precision Precision = Precision.Float64)
{
    public static Options? Parse(string[] args)
    {
        var o = new Options(10_000, null, null, 100, 0.1, [50], 0);
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
                o = args[i] switch
                {
                    "--steps" => o with { Steps = Positive("--steps", int.Parse(Value(), CultureInfo.InvariantCulture)) },
                    "--data" => o with { Data = Value() },
                    "--threads" => o with { Threads = Positive("--threads", int.Parse(Value(), CultureInfo.InvariantCulture)) },
                    "--batch-size" => o with { BatchSize = Positive("--batch-size", int.Parse(Value(), CultureInfo.InvariantCulture)) },
                    "--lr" => o with { LearningRate = double.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--hidden" => o with { Hidden = [.. Value().Split(',').Select(h => Positive("--hidden", int.Parse(h, CultureInfo.InvariantCulture)))] },
                    "--seed" => o with { Seed = ulong.Parse(Value(), CultureInfo.InvariantCulture) },
                    "--precision" => o with { Precision = Value() switch { "float64" => Precision.Float64, "float32" => Precision.Float32, var p => throw new FormatException($"--precision must be float64 or float32, got {p}") } },
                    "-h" or "--help" => throw new FormatException("help"),
                    _ => throw new FormatException($"unknown argument: {args[i]}"),
                };
            }
            return o;
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            if (e.Message != "help")
            {
                Console.Error.WriteLine($"error: {e.Message}");
            }
            Console.Error.WriteLine(
                "usage: Functional.Bench.Training [--steps 10000] [--data DIR] [--threads N] [--batch-size 100] [--lr 0.1] [--hidden 50[,50…]] [--seed 0] [--precision float64|float32]");
            return null;
        }
    }

    private static int Positive(string flag, int value) => value > 0 ? value : throw new FormatException($"{flag} must be ≥ 1, got {value}");
}
