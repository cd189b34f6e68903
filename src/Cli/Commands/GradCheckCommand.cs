using System.CommandLine;
using System.Globalization;
using Functional.Data;
using Functional.Facade;
using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Losses;
using Functional.Nodes;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Cli.Commands;

/// <summary>`gradcheck`: the book's gradient_check.py (section 5.7.3) on a 784-50-10 TwoLayerNet and 3 samples.</summary>
internal static class GradCheckCommand
{
    // The book sees differences of 1e-10 to 1e-13; 1e-7 leaves room while still catching any wrong Backward.
    private const double Limit = 1e-7;

    public static Command Create()
    {
        var seed = new Option<ulong>("--seed") { Description = "Seed for the initial weights (and the layer checks' cases).", DefaultValueFactory = _ => 42 };
        var layers = new Option<bool>("--layers") { Description = "Also put every layer through LayerCheck's finite-difference and purity properties." };
        var data = CliOptions.Data();
        var command = new Command("gradcheck", "The book's gradient check: backprop against numerical gradients.") { seed, layers, data };
        command.SetAction(parse =>
        {
            var network = Run(parse.GetValue(seed), parse.GetValue(data), Console.Out);
            return parse.GetValue(layers) ? Math.Max(network, RunLayers(parse.GetValue(seed), Console.Out)) : network;
        });
        return command;
    }

    /// <summary>Every layer of the chapter through <see cref="LayerCheck"/>, as a user's own layer would be.</summary>
    private static int RunLayers(ulong seed, TextWriter output)
    {
        var options = new LayerCheckOptions { Seed = seed };
        var matrices = options with { Shape = key => [1 + (int)(key.BitsAt(0) % 6), 2] };
        var checks = new (string Layer, Func<LayerCheckReport> Check)[]
        {
            ("Mul (dx, dy)", () => LayerCheck.Verify(Mul.Forward, (MulCache<double> c, Tensor<double> d) => Mul.Backward(c, d) is var g ? (g.Dx, g.Dy) : default, options)),
            ("Add (dx, dy)", () => LayerCheck.Verify(Add.Forward, (AddCache c, Tensor<double> d) => Add.Backward(c, d) is var g ? (g.Dx, g.Dy) : default, options)),
            ("Relu", () => LayerCheck.Verify(Relu.Forward, Relu.Backward, options with { InputFilter = x => Math.Abs(x) >= 1.0 / 64 })),
            ("Sigmoid", () => LayerCheck.Verify(Sigmoid.Forward, Sigmoid.Backward, options)),
            // x [batch, in], W [in, out] and B [out] are all arguments, so dW and dB are checked as dx is.
            ("Affine (dx, dW, dB)", () => LayerCheck.Verify(RuleUnderTest.Dense(
                (x, w, b) => Affine.Forward(new AffineParams<double>(w, b), x) is var r ? (r.Output, r.Cache) : default,
                (AffineCache<double> c, Tensor<double> d) => Affine.Backward(c, d) is var g ? (g.Dx, g.DW, g.DB) : default), options)),
            ("SoftmaxWithLoss", () => LayerCheck.Verify(
                x => LossAsTensor(SoftmaxWithLoss.Forward(x, Labels.FromIndices([.. Enumerable.Repeat(1, x.Shape[0])]))),
                (SoftmaxWithLossCache<double> c, Tensor<double> d) => SoftmaxWithLoss.Backward(c, d.ToScalar()), matrices)),
            ("Tanh", () => LayerCheck.Verify(Tanh.Forward, Tanh.Backward, options)),
            ("LeakyRelu", () => LayerCheck.Verify(x => LeakyRelu.Forward(x), LeakyRelu.Backward, options with { InputFilter = x => Math.Abs(x) >= 1.0 / 64 })),
            // A fixed key: the mask is then a constant, and Dropout a linear map.
            ("Dropout (0.5)", () => LayerCheck.Verify(x => Dropout.Forward(x, RngKey.FromSeed(seed), 0.5), Dropout.Backward, options)),
            ("BatchNorm (dx, dγ, dβ)", () => LayerCheck.Verify(BatchNormRule(), options)),
            ("IdentityWithMSE", () => LayerCheck.Verify(
                x => MeanSquaredAsTensor(IdentityWithMeanSquaredError.Forward(x, Tensor.Filled(0.5, [.. x.Shape.Dims]))),
                (IdentityWithMeanSquaredErrorCache<double> c, Tensor<double> d) => IdentityWithMeanSquaredError.Backward(c, d.ToScalar()), matrices)),
        };
        var failed = 0;
        foreach (var (layer, check) in checks)
        {
            var report = check();
            output.WriteLine(report.Passed ? $"{layer,-22} {report.CasesRun} cases passed" : $"{layer,-22} FAILED: {report.Failure!.Message}");
            failed += report.Passed ? 0 : 1;
        }
        return failed == 0 ? 0 : 1;
    }

    // The loss is a scalar; LayerCheck differentiates tensors, so it sees it as a rank-0 tensor.
    private static (Tensor<double> Output, SoftmaxWithLossCache<double> Cache) LossAsTensor(ForwardResult<double, SoftmaxWithLossCache<double>> result) =>
        (Tensor.Scalar(result.Output), result.Cache);

    private static (Tensor<double> Output, IdentityWithMeanSquaredErrorCache<double> Cache) MeanSquaredAsTensor(ForwardResult<double, IdentityWithMeanSquaredErrorCache<double>> result) =>
        (Tensor.Scalar(result.Output), result.Cache);

    /// <summary>
    /// BatchNorm in training mode as a function of x [batch, features], γ and β, over a fixed initial state. Batches
    /// with a column of variance below 1/16 are left out: near 0 the normalisation is too ill-conditioned for h = 1e-5.
    /// </summary>
    private static RuleUnderTest BatchNormRule() => RuleUnderTest.Create(
        args => BatchNorm.ForwardTraining(new BatchNormParams<double>(args[1], args[2]), BatchNormState<double>.Initial(args[0].Shape[1]), args[0]) is var r
            ? (r.Output, r.Cache) : default,
        (BatchNormCache<double> c, Tensor<double> d) => BatchNorm.Backward(c, d) is var g ? [g.Dx, g.DGamma, g.DBeta] : [],
        2,
        new RuleArgument("x", d => [d[0], d[1]]), new RuleArgument("gamma", d => [d[1]]), new RuleArgument("beta", d => [d[1]])) with
    {
        Filter = args => Enumerable.Range(0, args[0].Shape[1]).All(j => ColumnVariance(args[0], j) >= 1.0 / 16),
    };

    private static double ColumnVariance(Tensor<double> x, int column)
    {
        var values = Enumerable.Range(0, x.Shape[0]).Select(i => x[i, column]).ToArray();
        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / values.Length;
    }

    private static int Run(ulong seed, string? dataDirectory, TextWriter output)
    {
        var data = CliOptions.LoadData(dataDirectory);
        var network = new TwoLayerNet(data.Train.Features, 50, data.Train.Classes, seed: seed);
        var (x, t) = data.Train.Range(0, 3);
        var differences = network.GradientCheck(x, t);
        foreach (var (key, diff) in differences)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key}:{diff:0.0e+00}"));
        }
        var worst = differences.Values.Max();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"largest mean absolute difference {worst:0.00e+00}: {(worst <= Limit ? "ok" : "FAILED")} (limit {Limit:0e+00}, seed {seed})"));
        return worst <= Limit ? 0 : 1;
    }
}
