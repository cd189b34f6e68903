// In-process A/B of whole training steps. Each build (a directory holding Functional.Pure.dll and
// Functional.Facade.dll, e.g. bench/Training's output) is loaded into its own AssemblyLoadContext and trains the
// default network (784-50-10, batch 100, lr 0.1, seed 0) through TrainingFold.Step; chunks of steps alternate
// between the builds, so the machine's changing load falls on all of them alike, and the ratio of each build's
// chunk to the first build's neighbouring chunk is taken per pair. Separate processes on a shared machine differ
// by more than most changes worth measuring; paired chunks in one process do not.
//
//   dotnet run -c Release --project bench/StepAB -- --builds DIR_A,DIR_B [--precision float64|float32]
//                                                   [--chunks 15] [--chunk-steps 400] [--data DIR]
//
// Prints per build the median and minimum ms/step over its chunks and its final parameter hash (equal hashes: the
// builds train bit-identically), then the median and quartiles of the paired ratios last build / first build.
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;

var options = Options.Parse(args);
if (options is null)
{
    return 2;
}
var runs = options.Builds.Select(dir => Build.Load(dir, options)).ToList();
foreach (var run in runs)
{
    run.Chunk();   // compile and warm up every build before timing any
}
var times = runs.Select(_ => new List<double>()).ToArray();
for (var c = 0; c < options.Chunks; c++)
{
    for (var k = 0; k < runs.Count; k++)
    {
        times[k].Add(runs[k].Chunk());
    }
}
for (var k = 0; k < runs.Count; k++)
{
    var sorted = times[k].Order().ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{runs[k].Name,-24} median {sorted[sorted.Count / 2]:0.0000} ms/step  min {sorted[0]:0.0000}  params {runs[k].Hash()[..16]}"));
}
var ratios = Enumerable.Range(0, options.Chunks).Select(c => times[^1][c] / times[0][c]).Order().ToList();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"paired ratio {runs[^1].Name} / {runs[0].Name}: median {ratios[ratios.Count / 2]:0.000} (quartiles {ratios[ratios.Count / 4]:0.000}–{ratios[3 * ratios.Count / 4]:0.000}, {options.Chunks} pairs of {options.ChunkSteps} steps)"));
return 0;

/// <summary>One build loaded in its own context, training its own state; reached by reflection only.</summary>
internal sealed class Build
{
    private readonly object _network;
    private readonly object _train;
    private readonly object _config;
    private readonly MethodInfo _step;
    private readonly int _chunkSteps;
    private object _state;
    private PropertyInfo? _stateOfResult;

    // The default network's layer sizes.
    private static readonly int[] DefaultSizes = [784, 50, 10];

    private Build(string name, object network, object train, object config, object state, MethodInfo step, int chunkSteps) =>
        (Name, _network, _train, _config, _state, _step, _chunkSteps) = (name, network, train, config, state, step, chunkSteps);

    public string Name { get; }

    public static Build Load(string directory, Options options)
    {
        var full = Path.GetFullPath(directory);
        var context = new AssemblyLoadContext(full, isCollectible: false);
        context.Resolving += (c, name) => File.Exists(Path.Combine(full, name.Name + ".dll")) ? c.LoadFromAssemblyPath(Path.Combine(full, name.Name + ".dll")) : null;
        var pure = context.LoadFromAssemblyPath(Path.Combine(full, "Functional.Pure.dll"));
        var facade = context.LoadFromAssemblyPath(Path.Combine(full, "Functional.Facade.dll"));
        var data = Type(facade, "Functional.Facade.Data.Mnist").GetMethod("LoadDirectory")!.Invoke(null, [options.Data])!;
        var train = data.GetType().GetProperty("Train")!.GetValue(data)!;
        var relu = Enum.ToObject(Type(pure, "Functional.Networks.Activation"), 0);
        var network = Type(pure, "Functional.Networks.Network").GetMethod("Sequential", [typeof(IEnumerable<int>), relu.GetType()])!
            .Invoke(null, [DefaultSizes, relu])!;
        var precision = Enum.Parse(Type(pure, "Functional.Training.Precision"), options.Precision, ignoreCase: true);
        var configType = Type(pure, "Functional.Training.TrainConfig");
        var constructor = configType.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        // Every argument at its default but steps (large enough never to end) and the precision.
        var arguments = constructor.GetParameters().Select(p => p.Name switch
        {
            "steps" => (object?)int.MaxValue,
            "precision" => precision,
            _ => p.DefaultValue,
        }).ToArray();
        var config = constructor.Invoke(arguments);
        var fold = Type(pure, "Functional.Training.TrainingFold");
        var state = Untyped(fold, "Start").Invoke(null, [network, config])!;
        return new Build(Path.GetFileName(full.TrimEnd('/')), network, train, config, state, Untyped(fold, "Step"), options.ChunkSteps);
    }

    /// <summary>Runs one chunk of steps; returns its ms per step.</summary>
    public double Chunk()
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < _chunkSteps; i++)
        {
            var result = _step.Invoke(null, [_network, _state, _train, _config])!;
            _stateOfResult ??= result.GetType().GetProperty("State")!;
            _state = _stateOfResult.GetValue(result)!;
        }
        return clock.Elapsed.TotalMilliseconds / _chunkSteps;
    }

    /// <summary>The parameters' SHA-256, as ParamTree.Sha256 gives it.</summary>
    public string Hash()
    {
        var parameters = _state.GetType().GetProperty("Params")!.GetValue(_state)!;
        return (string)parameters.GetType().GetMethod("Sha256")!.Invoke(parameters, null)!;
    }

    // The method of that name that is not generic: builds since the element type became a type parameter also have
    // Start<T> and Step<T>.
    private static MethodInfo Untyped(Type type, string name) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Static).Single(m => m.Name == name && !m.IsGenericMethodDefinition);

    private static Type Type(Assembly assembly, string name) =>
        assembly.GetType(name) ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no type {name}: is this a build of this library?");
}

/// <summary>The command line.</summary>
internal sealed record Options(IReadOnlyList<string> Builds, string Precision, int Chunks, int ChunkSteps, string Data)
{
    public static Options? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (i + 1 >= args.Length || !args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return Fail($"expected --name value pairs, got '{args[i]}'.");
            }
            values[args[i]] = args[++i];
        }
        if (!values.TryGetValue("--builds", out var builds) || builds.Split(',').Length < 2)
        {
            return Fail("--builds needs two or more build directories, comma-separated (each with Functional.Pure.dll and Functional.Facade.dll).");
        }
        var missing = builds.Split(',').FirstOrDefault(d => !File.Exists(Path.Combine(d, "Functional.Pure.dll")) || !File.Exists(Path.Combine(d, "Functional.Facade.dll")));
        if (missing is not null)
        {
            return Fail($"{missing} does not hold Functional.Pure.dll and Functional.Facade.dll (build bench/Training and pass its output directory).");
        }
        var precision = values.GetValueOrDefault("--precision", "float64");
        if (precision is not ("float64" or "float32"))
        {
            return Fail($"--precision must be float64 or float32, got '{precision}'.");
        }
        if (!int.TryParse(values.GetValueOrDefault("--chunks", "15"), CultureInfo.InvariantCulture, out var chunks) || chunks < 1
            || !int.TryParse(values.GetValueOrDefault("--chunk-steps", "400"), CultureInfo.InvariantCulture, out var chunkSteps) || chunkSteps < 1)
        {
            return Fail("--chunks and --chunk-steps must be whole numbers ≥ 1.");
        }
        var data = values.GetValueOrDefault("--data", Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "data", "mnist-10k"));
        if (!Directory.Exists(data))
        {
            return Fail($"--data: no directory {data}.");
        }
        var unknown = values.Keys.Except(["--builds", "--precision", "--chunks", "--chunk-steps", "--data"]).FirstOrDefault();
        return unknown is null ? new Options(builds.Split(','), precision, chunks, chunkSteps, data) : Fail($"unknown option {unknown}.");
    }

    private static Options? Fail(string message)
    {
        Console.Error.WriteLine($"step A/B: {message}");
        Console.Error.WriteLine("usage: --builds DIR_A,DIR_B [--precision float64|float32] [--chunks 15] [--chunk-steps 400] [--data DIR]");
        return null;
    }
}
