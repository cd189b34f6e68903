using System.CommandLine;
using System.Globalization;
using Functional.Layers;
using Functional.Losses;
using Functional.Networks;
using Functional.Nodes;
using Functional.Rng;
using Functional.Tensors;
using Functional.Verification;

namespace Functional.Cli.Commands;

/// <summary>
/// `gradcheck`: the book's gradient check (section 5.7.3) applied to every layer: backprop's gradients against
/// central differences (h = 1e-4), printed as the mean absolute difference per gradient.
/// </summary>
internal static class GradCheckCommand
{
    // The book sees differences of 1e-10 to 1e-13; 1e-7 leaves room while still catching any wrong Backward.
    private const double Limit = 1e-7;

    public static Command Create()
    {
        var seed = new Option<ulong>("--seed") { Description = "Seed for the initial weights and the random inputs.", DefaultValueFactory = _ => 42 };
        var layers = new Option<bool>("--layers") { Description = "Check each layer on its own instead of the 784-50-10 network." };
        var data = CliOptions.Data();
        var command = new Command("gradcheck", "The book's gradient check: backprop against numerical gradients.") { seed, layers, data };
        command.SetAction(parse => parse.GetValue(layers)
            ? RunLayers(parse.GetValue(seed), Console.Out)
            : RunNetwork(parse.GetValue(seed), parse.GetValue(data), Console.Out));
        return command;
    }

    /// <summary>gradient_check.py: a 784-50-10 TwoLayerNet on the first 3 training samples.</summary>
    public static int RunNetwork(ulong seed, string? dataDirectory, TextWriter output)
    {
        var data = CliOptions.LoadData(dataDirectory);
        var network = Network.TwoLayerNet(data.Train.Features, 50, data.Train.Classes);
        var parameters = Mlp.Init(network, RngKey.FromSeed(seed));
        var (x, t) = data.Train.Range(0, 3);
        var differences = GradientCheck.Run(network, parameters, x, t);
        foreach (var (key, diff) in differences)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key}:{diff:0.0e+00}"));
        }
        var worst = differences.Values.Max();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"largest mean absolute difference {worst:0.00e+00}: {(worst <= Limit ? "ok" : "FAILED")} (limit {Limit:0e+00}, seed {seed})"));
        return worst <= Limit ? 0 : 1;
    }

    public static int RunLayers(ulong seed, TextWriter output)
    {
        var keys = RngKey.FromSeed(seed);
        Tensor Draw(ulong i, params int[] shape) => Sample.Normal(keys.FoldIn(i), shape);
        var (x, y, v) = (Draw(0, 3, 4), Draw(1, 3, 4), Draw(2, 3, 4));
        var worst = 0.0;

        void Report(string layer, string name, Tensor backprop, Func<Tensor, double> loss, Tensor at)
        {
            var numerical = NumericalGradient.Of(loss, at);
            var diff = GradientCheck.MeanAbsoluteDifference(backprop, numerical);
            worst = Math.Max(worst, diff);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{layer,-16} {name,-3} {diff:0.00e+00}"));
        }

        // Each layer's output is reduced to a scalar loss ⟨v, out⟩, so Backward's dOut is v.
        var mul = Mul.Backward(Mul.Forward(x, y).Cache, v);
        Report("Mul", "dx", mul.Dx, t => Dot(v, Mul.Forward(t, y).Output), x);
        Report("Mul", "dy", mul.Dy, t => Dot(v, Mul.Forward(x, t).Output), y);
        var add = Add.Backward(Add.Forward(x, y).Cache, v);
        Report("Add", "dx", add.Dx, t => Dot(v, Add.Forward(t, y).Output), x);
        Report("Add", "dy", add.Dy, t => Dot(v, Add.Forward(x, t).Output), y);
        Report("Relu", "dx", Relu.Backward(Relu.Forward(x).Cache, v), t => Dot(v, Relu.Forward(t).Output), x);
        Report("Sigmoid", "dx", Sigmoid.Backward(Sigmoid.Forward(x).Cache, v), t => Dot(v, Sigmoid.Forward(t).Output), x);

        var p = new AffineParams(Draw(3, 4, 5), Draw(4, 5));
        var dOut = Draw(5, 3, 5);
        var affine = Affine.Backward(Affine.Forward(p, x).Cache, dOut);
        Report("Affine", "dx", affine.Dx, t => Dot(dOut, Affine.Forward(p, t).Output), x);
        Report("Affine", "dW", affine.DW, t => Dot(dOut, Affine.Forward(new AffineParams(t, p.B), x).Output), p.W);
        Report("Affine", "db", affine.DB, t => Dot(dOut, Affine.Forward(new AffineParams(p.W, t), x).Output), p.B);

        var labels = Labels.FromIndices(0, 3, 1);
        Report("SoftmaxWithLoss", "dx", SoftmaxWithLoss.Backward(SoftmaxWithLoss.Forward(x, labels).Cache),
            t => SoftmaxWithLoss.Forward(t, labels).Output, x);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"largest mean absolute difference {worst:0.00e+00}: {(worst <= Limit ? "ok" : "FAILED")} (limit {Limit:0e+00}, seed {seed})"));
        return worst <= Limit ? 0 : 1;
    }

    private static double Dot(Tensor a, Tensor b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a.Span[i] * b.Span[i];
        }
        return sum;
    }
}
