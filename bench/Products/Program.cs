// Per-shape matrix-product benchmark: each product of the 784-50-10 net at batch 100, through the layer functions
// training calls (Affine.Forward includes its bias add, WeightGradients its column sums), timed as the best of
// --rounds rounds of --repeats calls. One JSON line per product on stdout: name, shape, microseconds, GFLOP/s.
//
//   dotnet run -c Release --project bench/Products -- [--rounds 7] [--repeats 2000]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Functional.Facade.Data;
using Functional.Layers;
using Functional.Rng;
using Functional.Training;

const int Batch = 100, Inputs = 784, Hidden = 50, Classes = 10;
var rounds = Argument("--rounds", 7);
var repeats = Argument("--repeats", 2000);

var key = RngKey.FromSeed(0);
var x = Sample.Uniform(key.FoldIn(1), 0, 1, Batch, Inputs);
var layer1 = new AffineParams<double>(Sample.Normal(key.FoldIn(2), Inputs, Hidden), Sample.Normal(key.FoldIn(3), Hidden));
var z = Sample.Normal(key.FoldIn(4), Batch, Hidden);
var layer2 = new AffineParams<double>(Sample.Normal(key.FoldIn(5), Hidden, Classes), Sample.Normal(key.FoldIn(6), Classes));
var dHidden = Sample.Normal(key.FoldIn(7), Batch, Hidden);
var dLogits = Sample.Normal(key.FoldIn(8), Batch, Classes);
var cache1 = Affine.Forward(layer1, x).Cache;
var cache2 = Affine.Forward(layer2, z).Cache;

Report("L1 forward x·W1+b1", "[100,784]·[784,50]", 2L * Batch * Inputs * Hidden, () => Affine.Forward(layer1, x));
Report("L1 dW1 = xᵀ·dOut", "[784,100]·[100,50]", 2L * Inputs * Batch * Hidden, () => Affine.WeightGradients(cache1, dHidden));
// The same two products on a real batch: 100 digits drawn as training draws them. Their many zero pixels let the
// products skip steps (exactly: the bits are those of the full sums), so these rows measure the training workload,
// not the kernel on dense operands; the comparison is with OpenBLAS's dense product of the same shape.
var digits = Mnist.LoadEmbedded().Train;
var batch = digits.Batch(BatchSampler.Indices(TrainingFold.Keys(0).Batches, 0, Batch, digits.Count)).X;
var realCache1 = Affine.Forward(layer1, batch).Cache;
Report("L1 forward, real MNIST batch", "[100,784]·[784,50]", 2L * Batch * Inputs * Hidden, () => Affine.Forward(layer1, batch));
Report("L1 dW1, real MNIST batch", "[784,100]·[100,50]", 2L * Inputs * Batch * Hidden, () => Affine.WeightGradients(realCache1, dHidden));
Report("L2 forward z·W2+b2", "[100,50]·[50,10]", 2L * Batch * Hidden * Classes, () => Affine.Forward(layer2, z));
Report("L2 dW2 = zᵀ·dOut", "[50,100]·[100,10]", 2L * Hidden * Batch * Classes, () => Affine.WeightGradients(cache2, dLogits));
Report("L2 backward dW2 and dx = dOut·W2ᵀ", "[50,100]·[100,10] + [100,10]·[10,50]", 4L * Batch * Classes * Hidden, () => Affine.Backward(cache2, dLogits));
return 0;

void Report(string name, string shape, long flops, Func<object> product)
{
    for (var i = 0; i < repeats / 4; i++)
    {
        product();
    }
    var best = double.MaxValue;
    for (var r = 0; r < rounds; r++)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < repeats; i++)
        {
            product();
        }
        best = Math.Min(best, clock.Elapsed.TotalMicroseconds / repeats);
    }
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["impl"] = "ours-csharp",
        ["product"] = name,
        ["shape"] = shape,
        ["us"] = Math.Round(best, 2),
        ["gflops"] = Math.Round(flops / (best * 1e3), 2),
        ["processor_count"] = Environment.ProcessorCount,
    }));
}

int Argument(string flag, int fallback)
{
    var i = Array.IndexOf(args, flag);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
