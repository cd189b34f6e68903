using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Tensors;

namespace Functional.Unit.Tests.Facade;

public class LayerCheckTests
{
    private static readonly LayerCheckOptions AwayFromTheKink = new() { InputFilter = x => Math.Abs(x) >= 1.0 / 64 };

    // y = x³ elementwise, caching x; the right gradient is 3x²·dOut, the buggy one 2x²·dOut.
    private static (Tensor<double> Output, Tensor<double> Cache) CubeForward(Tensor<double> x) => (Map(x, a => a * a * a), x);

    private static Tensor<double> CubeBackward(Tensor<double> x, Tensor<double> dOut) => Zip(x, dOut, (a, d) => 3 * a * a * d);

    private static Tensor<double> WrongCubeBackward(Tensor<double> x, Tensor<double> dOut) => Zip(x, dOut, (a, d) => 2 * a * a * d);

    [Fact]
    public void The_librarys_Relu_passes_with_inputs_kept_from_its_kink()
    {
        var report = LayerCheck.Verify(Relu.Forward, Relu.Backward, AwayFromTheKink);

        Assert.True(report.Passed, report.Failure?.Message);
        Assert.Equal(100, report.CasesRun);
        Assert.Null(report.Failure);
    }

    [Fact]
    public void The_librarys_Sigmoid_passes_with_the_default_options()
    {
        var report = LayerCheck.Verify(Sigmoid.Forward, Sigmoid.Backward);

        Assert.True(report.Passed, report.Failure?.Message);
        Assert.Equal(100, report.CasesRun);
    }

    [Fact]
    public void A_correct_user_layer_passes_and_Assert_does_not_throw()
    {
        var report = LayerCheck.Verify<Tensor<double>>(CubeForward, CubeBackward);
        Assert.True(report.Passed, report.Failure?.Message);

        // softplus(x) = log(1 + eˣ), whose derivative is the logistic function.
        LayerCheck.Assert(
            x => (Map(x, a => Math.Log(1 + Math.Exp(a))), x),
            (x, dOut) => Zip(x, dOut, (a, d) => d / (1 + Math.Exp(-a))));
    }

    [Fact]
    public void A_wrong_Backward_fails_with_the_seed_and_a_counterexample_shrunk_to_one_element()
    {
        var report = LayerCheck.Verify<Tensor<double>>(CubeForward, WrongCubeBackward);

        Assert.False(report.Passed);
        var failure = Assert.IsType<LayerCheckFailure>(report.Failure);
        Assert.Contains(failure.Property, new[] { LayerCheckProperties.Vjp, LayerCheckProperties.Jacobian });
        Assert.Equal(LayerCheckOptions.DefaultSeed, failure.Seed);
        Assert.Contains($"Seed = 0x{LayerCheckOptions.DefaultSeed:X}", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"OnlyCase = {failure.CaseIndex}", failure.Message, StringComparison.Ordinal);
        Assert.True(failure.Input.Length <= 2, failure.Message);
        // Shrinking ends at the simplest value that still shows the bug: x = 1, where 3x² = 3 but Backward gives 2.
        Assert.Equal([1], failure.Shape);
        Assert.Equal([1.0], failure.Input);
        Assert.True(failure.ShrinkSteps > 0);
        Assert.Contains("Tensor.FromArray([1], 1)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Assert_throws_a_LayerCheckException_naming_the_property_the_numbers_the_input_and_the_replay()
    {
        var options = new LayerCheckOptions { Seed = 0xC0FFEE, ValueRange = (-2, 2) };

        var error = Assert.Throws<LayerCheckException>(() => LayerCheck.Assert<Tensor<double>>(CubeForward, WrongCubeBackward, options));

        var failure = Assert.IsType<LayerCheckFailure>(error.Failure);
        Assert.Equal(failure.Message, error.Message);
        Assert.Contains($"property {failure.Property} failed", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected", error.Message, StringComparison.Ordinal);
        Assert.Contains("actual", error.Message, StringComparison.Ordinal);
        Assert.Contains("shape [1]", error.Message, StringComparison.Ordinal);
        Assert.Contains(
            $"replay with new LayerCheckOptions {{ Seed = 0xC0FFEE, OnlyCase = {failure.CaseIndex}, ValueRange = (-2, 2) }}",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rerunning_the_reported_seed_and_case_reproduces_the_same_shrunk_failure()
    {
        // Wrong only where x > 3.9, so early cases pass and the first failure is a later one.
        static Tensor<double> RarelyWrong(Tensor<double> x, Tensor<double> dOut) => Zip(x, dOut, (a, d) => (a > 3.9 ? 2 : 3) * a * a * d);
        var options = new LayerCheckOptions { Seed = 7 };

        var first = LayerCheck.Verify<Tensor<double>>(CubeForward, RarelyWrong, options).Failure;
        Assert.NotNull(first);
        Assert.True(first.CaseIndex > 0, $"expected a later case to fail first, got case {first.CaseIndex}");

        var replay = LayerCheck.Verify<Tensor<double>>(CubeForward, RarelyWrong, options with { Seed = first.Seed, OnlyCase = first.CaseIndex });

        Assert.Equal(1, replay.CasesRun);
        var again = Assert.IsType<LayerCheckFailure>(replay.Failure);
        Assert.Equal(first.Property, again.Property);
        Assert.Equal(first.Shape, again.Shape);
        Assert.Equal(first.Input, again.Input);
        Assert.Equal(first.CaseIndex, again.CaseIndex);
        Assert.Equal(first.Message, again.Message);
        // CsCheck's shrinking keeps the smallest failing case it draws: one element, above 3.9 (4 or 3.90625).
        Assert.Equal([1], again.Shape);
        Assert.True(again.Input[0] > 3.9, again.Message);
    }

    [Fact]
    public void A_Forward_whose_result_depends_on_a_captured_counter_fails_purity()
    {
        var calls = 0;
        (Tensor<double> Output, Tensor<double> Cache) Impure(Tensor<double> x)
        {
            calls++;
            return (Map(x, a => a * (calls % 2 == 0 ? 1.0 : 1.0 + 1e-12)), x);
        }

        var report = LayerCheck.Verify(Impure, (x, dOut) => dOut);

        var failure = Assert.IsType<LayerCheckFailure>(report.Failure);
        Assert.Equal(LayerCheckProperties.Purity, failure.Property);
        Assert.Contains("Forward gave different outputs for the same input", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Backward_of_the_wrong_shape_and_one_that_throws_are_reported()
    {
        var wrongShape = LayerCheck.Verify<Tensor<double>>(CubeForward, (x, dOut) => Tensor.Zeros<double>(x.Length + 1));
        Assert.Equal(LayerCheckProperties.Shapes, wrongShape.Failure?.Property);

        var throws = LayerCheck.Verify<Tensor<double>>(CubeForward, (x, dOut) => throw new InvalidOperationException("not yet"));
        Assert.Equal(LayerCheckProperties.Exception, throws.Failure?.Property);
        Assert.Contains("Backward(cache, v) threw InvalidOperationException: not yet", throws.Failure?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Backward_that_is_not_linear_in_dOut_fails_linearity()
    {
        // Right while |dOut| ≤ 1, as for the Jacobian check's unit dOuts, but not additive beyond.
        static Tensor<double> Clipped(Tensor<double> x, Tensor<double> dOut) => Zip(x, dOut, (a, d) => 3 * a * a * Math.Clamp(d, -1, 1));

        var report = LayerCheck.Verify<Tensor<double>>(CubeForward, Clipped, new LayerCheckOptions { MaxRank = 1, MaxDim = 1 });

        Assert.Contains(report.Failure?.Property, new[] { LayerCheckProperties.Vjp, LayerCheckProperties.Linearity });
    }

    [Fact]
    public void A_shape_generator_fixes_the_shape_and_shrinking_keeps_it()
    {
        // Row sums: [n, 3] → [n]; the gradient broadcasts dOut across each row.
        static (Tensor<double> Output, Shape Cache) RowSum(Tensor<double> x)
        {
            var (n, m) = (x.Shape[0], x.Shape[1]);
            var sums = new double[n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < m; j++)
                {
                    sums[i] += x[i, j];
                }
            }
            return (Tensor.Vector(sums), x.Shape);
        }
        static Tensor<double> Broadcast(Shape shape, Tensor<double> dOut, double factor) =>
            Tensor.FromArray([.. Enumerable.Range(0, shape.Length).Select(k => factor * dOut.Span[k / shape[1]])], [.. shape.Dims]);
        var options = new LayerCheckOptions { Shape = key => [1 + (int)(key.UnitAt(0) * 4), 3] };

        Assert.True(LayerCheck.Verify(RowSum, (s, d) => Broadcast(s, d, 1), options).Passed);
        var failure = LayerCheck.Verify(RowSum, (s, d) => Broadcast(s, d, -1), options).Failure;

        Assert.NotNull(failure);
        Assert.Equal(3, failure.Shape[1]);
        Assert.Contains("keeping your Shape", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_out_of_range_throw_naming_the_option()
    {
        var bad = new (LayerCheckOptions Options, string Name)[]
        {
            (new() { Runs = 0 }, "Runs"),
            (new() { OnlyCase = -1 }, "OnlyCase"),
            (new() { MinRank = -1 }, "MinRank"),
            (new() { MinRank = 3, MaxRank = 2 }, "MaxRank"),
            (new() { MaxDim = 0 }, "MaxDim"),
            (new() { ValueRange = (1, -1) }, "ValueRange"),
            (new() { ValueRange = (0.001, 0.002) }, "ValueRange"),
            (new() { ValueRange = (double.NegativeInfinity, 0) }, "ValueRange"),
            (new() { Step = 0 }, "Step"),
            (new() { RelativeTolerance = -1e-6 }, "RelativeTolerance"),
            (new() { AbsoluteTolerance = double.NaN }, "AbsoluteTolerance"),
            (new() { ShrinkBudget = -1 }, "ShrinkBudget"),
        };
        foreach (var (options, name) in bad)
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => LayerCheck.Verify<Tensor<double>>(CubeForward, CubeBackward, options));
            Assert.Equal(name, error.ParamName);
            Assert.Contains($"LayerCheckOptions.{name}", error.Message, StringComparison.Ordinal);
        }
    }

    private static Tensor<double> Map(Tensor<double> x, Func<double, double> f) =>
        Tensor.FromArray([.. x.ToArray().Select(f)], [.. x.Shape.Dims]);

    private static Tensor<double> Zip(Tensor<double> x, Tensor<double> y, Func<double, double, double> f) =>
        Tensor.FromArray([.. x.ToArray().Zip(y.ToArray(), f)], [.. x.Shape.Dims]);
}
