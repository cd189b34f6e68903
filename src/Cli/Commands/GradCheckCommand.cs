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
        var affine = new AffineParams(Tensor.FromMatrix(new[,] { { 0.5, -1.0, 0.25 }, { 2.0, 0.75, -0.5 } }), Tensor.Vector(0.1, 0.2, -0.3));
        var matrices = options with { Shape = key => [1 + (int)(key.BitsAt(0) % 6), 2] };
        var checks = new (string Layer, Func<LayerCheckReport> Check)[]
        {
            ("Mul (y = 1.5)", () => LayerCheck.Verify(x => Mul.Forward(x, Tensor.Filled(1.5, [.. x.Shape.Dims])),
                (MulCache c, Tensor d) => Mul.Backward(c, d).Dx, options)),
            ("Add (y = 1.5)", () => LayerCheck.Verify(x => Add.Forward(x, Tensor.Filled(1.5, [.. x.Shape.Dims])),
                (AddCache c, Tensor d) => Add.Backward(c, d).Dx, options)),
            ("Relu", () => LayerCheck.Verify(Relu.Forward, Relu.Backward, options with { InputFilter = x => Math.Abs(x) >= 1.0 / 64 })),
            ("Sigmoid", () => LayerCheck.Verify(Sigmoid.Forward, Sigmoid.Backward, options)),
            ("Affine (2→3)", () => LayerCheck.Verify(x => Affine.Forward(affine, x), (c, d) => Affine.Backward(c, d).Dx, matrices)),
            ("SoftmaxWithLoss", () => LayerCheck.Verify(
                x => LossAsTensor(SoftmaxWithLoss.Forward(x, Labels.FromIndices([.. Enumerable.Repeat(1, x.Shape[0])]))),
                (SoftmaxWithLossCache c, Tensor d) => SoftmaxWithLoss.Backward(c, d.ToScalar()), matrices)),
            ("Tanh", () => LayerCheck.Verify(Tanh.Forward, Tanh.Backward, options)),
            ("LeakyRelu", () => LayerCheck.Verify(x => LeakyRelu.Forward(x), LeakyRelu.Backward, options with { InputFilter = x => Math.Abs(x) >= 1.0 / 64 })),
            // A fixed key: the mask is then a constant, and Dropout a linear map.
            ("Dropout (0.5)", () => LayerCheck.Verify(x => Dropout.Forward(x, RngKey.FromSeed(seed), 0.5), Dropout.Backward, options)),
            ("BatchNorm", () => LayerCheck.Verify(
                x => Normalized(BatchNorm.ForwardTraining(BatchNormParams.Initial(2), BatchNormState.Initial(2), x)),
                (BatchNormCache c, Tensor d) => BatchNorm.Backward(c, d).Dx,
                options with { Shape = key => [3 + (int)(key.BitsAt(0) % 4), 2] })),
            ("IdentityWithMSE", () => LayerCheck.Verify(
                x => MeanSquaredAsTensor(IdentityWithMeanSquaredError.Forward(x, Tensor.Filled(0.5, [.. x.Shape.Dims]))),
                (IdentityWithMeanSquaredErrorCache c, Tensor d) => IdentityWithMeanSquaredError.Backward(c, d.ToScalar()), matrices)),
        };
        var failed = 0;
        foreach (var (layer, check) in checks)
        {
            var report = check();
            output.WriteLine(report.Passed ? $"{layer,-16} {report.CasesRun} cases passed" : $"{layer,-16} FAILED: {report.Failure!.Message}");
            failed += report.Passed ? 0 : 1;
        }
        return failed == 0 ? 0 : 1;
    }

    // The loss is a scalar; LayerCheck differentiates tensors, so it sees it as a rank-0 tensor.
    private static (Tensor Output, SoftmaxWithLossCache Cache) LossAsTensor(ForwardResult<double, SoftmaxWithLossCache> result) =>
        (Tensor.Scalar(result.Output), result.Cache);

    private static (Tensor Output, IdentityWithMeanSquaredErrorCache Cache) MeanSquaredAsTensor(ForwardResult<double, IdentityWithMeanSquaredErrorCache> result) =>
        (Tensor.Scalar(result.Output), result.Cache);

    private static (Tensor Output, BatchNormCache Cache) Normalized(BatchNormTrainingResult result) => (result.Output, result.Cache);

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
