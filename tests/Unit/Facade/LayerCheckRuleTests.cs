using Functional.Facade.Verification;
using Functional.Layers;
using Functional.Nodes;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Unit.Tests.Facade;

/// <summary>LayerCheck on rules of several arguments: parameters' gradients, two-input nodes, state, keys, replay and points.</summary>
public class LayerCheckRuleTests
{
    // Affine as a rule of (x, W, B), so dW and dB are checked as dx is.
    private static RuleUnderTest AffineRule(double dwFactor = 1, double dbFactor = 1) => RuleUnderTest.Dense(
        (x, w, b) => Affine.Forward(new AffineParams<double>(w, b), x) is var r ? (r.Output, r.Cache) : default,
        (AffineCache<double> c, Tensor<double> d) => Affine.Backward(c, d) is var g ? (g.Dx, Scale(g.DW, dwFactor), Scale(g.DB, dbFactor)) : default);

    private static (Tensor<double> Dx, Tensor<double> Dy) MulGradients(MulCache<double> c, Tensor<double> d, double dyFactor = 1) =>
        Mul.Backward(c, d) is var g ? (g.Dx, Scale(g.Dy, dyFactor)) : default;

    /// <summary>
    /// BatchNorm in training mode as a rule of (x, gamma, beta), over a fixed initial state (the running statistics it
    /// returns are not differentiated). Cases whose columns have a batch variance below 1/16 are filtered out: near 0 the
    /// normalisation is ill-conditioned for h = 1e-5 differences (and a batch of 1 has variance 0).
    /// </summary>
    private static RuleUnderTest BatchNormRule(double dGammaFactor = 1) => RuleUnderTest.Create(
        args => BatchNorm.ForwardTraining(new BatchNormParams<double>(args[1], args[2]), BatchNormState<double>.Initial(args[0].Shape[1]), args[0]) is var r
            ? (r.Output, r.Cache) : default,
        (BatchNormCache<double> c, Tensor<double> d) => BatchNorm.Backward(c, d) is var g ? [g.Dx, Scale(g.DGamma, dGammaFactor), g.DBeta] : [],
        2,
        new RuleArgument("x", d => [d[0], d[1]]), new RuleArgument("gamma", d => [d[1]]), new RuleArgument("beta", d => [d[1]])) with
    {
        Filter = args => Enumerable.Range(0, args[0].Shape[1]).All(j => ColumnVariance(args[0], j) >= 1.0 / 16),
    };

    [Fact]
    public void A_correct_Affine_passes_with_dx_dW_and_dB_checked()
    {
        var report = LayerCheck.Verify(AffineRule());

        Assert.True(report.Passed, report.Failure?.Message);
        Assert.Equal(100, report.CasesRun);
    }

    [Fact]
    public void An_Affine_whose_dW_alone_is_scaled_by_1_01_fails_naming_W()
    {
        var failure = LayerCheck.Verify(AffineRule(dwFactor: 1.01)).Failure;

        Assert.NotNull(failure);
        Assert.Equal("W", failure.Argument);
        Assert.Contains(failure.Property, new[] { LayerCheckProperties.Vjp, LayerCheckProperties.Jacobian });
        Assert.Contains("for the gradient of W", failure.Message, StringComparison.Ordinal);
        Assert.Equal(["x", "W", "B"], failure.Arguments.Select(a => a.Name));
        Assert.Contains("  W: shape [", failure.Message, StringComparison.Ordinal);
        // W is [in, out] and B is [out], with x's in and B's out.
        Assert.Equal(failure.Arguments[0].Shape[1], failure.Arguments[1].Shape[0]);
        Assert.Equal(failure.Arguments[1].Shape[1], failure.Arguments[2].Shape[0]);
    }

    [Fact]
    public void An_Affine_whose_dB_alone_is_wrong_fails_naming_B()
    {
        var failure = LayerCheck.Verify(AffineRule(dbFactor: -1)).Failure;

        Assert.Equal("B", failure?.Argument);
    }

    [Fact]
    public void Mul_and_Add_pass_with_both_inputs_checked()
    {
        var mul = LayerCheck.Verify(Mul.Forward, (MulCache<double> c, Tensor<double> d) => MulGradients(c, d));
        var add = LayerCheck.Verify(Add.Forward, (AddCache c, Tensor<double> d) => Add.Backward(c, d) is var g ? (g.Dx, g.Dy) : default);

        Assert.True(mul.Passed, mul.Failure?.Message);
        Assert.True(add.Passed, add.Failure?.Message);
    }

    [Fact]
    public void A_Mul_whose_dy_alone_is_wrong_fails_naming_y_and_Assert_throws()
    {
        var failure = LayerCheck.Verify(Mul.Forward, (MulCache<double> c, Tensor<double> d) => MulGradients(c, d, dyFactor: 1.01)).Failure;

        Assert.NotNull(failure);
        Assert.Equal("y", failure.Argument);
        Assert.Contains("for the gradient of y", failure.Message, StringComparison.Ordinal);
        var error = Assert.Throws<LayerCheckException>(() => LayerCheck.Assert(
            (Tensor<double> x, Tensor<double> y) => Mul.Forward(x, y) is var r ? (r.Output, r.Cache) : default,
            (MulCache<double> c, Tensor<double> d) => MulGradients(c, d, dyFactor: 1.01)));
        Assert.Equal("y", error.Failure?.Argument);
    }

    [Fact]
    public void BatchNorm_in_training_passes_for_x_gamma_and_beta_over_well_conditioned_batches()
    {
        var report = LayerCheck.Verify(BatchNormRule(), new LayerCheckOptions { Runs = 50 });

        Assert.True(report.Passed, report.Failure?.Message);
    }

    [Fact]
    public void A_BatchNorm_whose_dgamma_alone_is_scaled_fails_naming_gamma()
    {
        var failure = LayerCheck.Verify(BatchNormRule(dGammaFactor: 1.01), new LayerCheckOptions { Runs = 50 }).Failure;

        Assert.NotNull(failure);
        Assert.Equal("gamma", failure.Argument);
        Assert.Contains("for the gradient of gamma", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dropout_with_a_fixed_key_passes_and_a_Backward_that_ignores_the_mask_fails()
    {
        var key = RngKey.FromSeed(5);

        var report = LayerCheck.Verify(x => Dropout.Forward(x, key, 0.5), Dropout.Backward);
        var wrong = LayerCheck.Verify(x => Dropout.Forward(x, key, 0.5), (DropoutCache<double> _, Tensor<double> d) => d);

        Assert.True(report.Passed, report.Failure?.Message);
        Assert.False(wrong.Passed);
    }

    [Fact]
    public void The_case_seed_of_a_failure_replays_the_same_shrunk_case_alone()
    {
        var options = new LayerCheckOptions { Seed = 11 };
        var first = LayerCheck.Verify(AffineRule(dwFactor: 1.01), options).Failure;
        Assert.NotNull(first);
        Assert.NotNull(first.CaseSeed);
        Assert.Contains($"Replay = \"{first.CaseSeed}\"", first.Message, StringComparison.Ordinal);

        var replay = LayerCheck.Verify(AffineRule(dwFactor: 1.01), options with { Replay = first.CaseSeed });

        Assert.Equal(1, replay.CasesRun);
        var again = Assert.IsType<LayerCheckFailure>(replay.Failure);
        Assert.Equal(first.Property, again.Property);
        Assert.Equal(first.Argument, again.Argument);
        Assert.Equal(first.CaseSeed, again.CaseSeed);
        Assert.Equal(first.Arguments.Count, again.Arguments.Count);
        for (var a = 0; a < first.Arguments.Count; a++)
        {
            Assert.Equal(first.Arguments[a].Shape, again.Arguments[a].Shape);
            Assert.Equal(first.Arguments[a].Values, again.Arguments[a].Values);
        }
        // The same case checks clean with the right Backward: the replay draws that case, not a failure.
        Assert.True(LayerCheck.Verify(AffineRule(), options with { Replay = first.CaseSeed }).Passed);
    }

    [Fact]
    public void Seed_and_OnlyCase_rerun_the_search_to_the_same_shrunk_case()
    {
        var first = LayerCheck.Verify(Mul.Forward, (MulCache<double> c, Tensor<double> d) => MulGradients(c, d, dyFactor: 1.01)).Failure;
        Assert.NotNull(first);

        var again = LayerCheck.Verify(Mul.Forward, (MulCache<double> c, Tensor<double> d) => MulGradients(c, d, dyFactor: 1.01),
            new LayerCheckOptions { Seed = first.Seed, OnlyCase = first.CaseIndex }).Failure;

        Assert.NotNull(again);
        Assert.Equal(first.Message, again.Message);
        Assert.Equal(first.CaseSeed, again.CaseSeed);
    }

    [Fact]
    public void Points_the_user_chooses_are_checked_before_the_random_cases()
    {
        // Wrong only at x = 0.3, which is not a multiple of 1/64 and so never drawn.
        static Tensor<double> WrongAtPointThree(Tensor<double> x, Tensor<double> dOut) =>
            Tensor.FromArray([.. x.ToArray().Zip(dOut.ToArray(), (a, d) => (a == 0.3 ? 2 : 3) * a * a * d)], [.. x.Shape.Dims]);
        static (Tensor<double>, Tensor<double>) Cube(Tensor<double> x) => (Tensor.FromArray([.. x.ToArray().Select(a => a * a * a)], [.. x.Shape.Dims]), x);
        Assert.True(LayerCheck.Verify<Tensor<double>>(Cube, WrongAtPointThree).Passed);
        var points = new LayerCheckOptions { Points = [[Tensor.Vector(1.5)], [Tensor.Vector(0.3)]] };

        var report = LayerCheck.Verify<Tensor<double>>(Cube, WrongAtPointThree, points);

        Assert.Equal(2, report.CasesRun);
        var failure = Assert.IsType<LayerCheckFailure>(report.Failure);
        Assert.Equal(1, failure.CaseIndex);
        Assert.Null(failure.CaseSeed);
        Assert.Equal([0.3], failure.Input);
        Assert.Contains("point 1 of LayerCheckOptions.Points", failure.Message, StringComparison.Ordinal);

        var onlyPoints = LayerCheck.Verify<Tensor<double>>(Cube, WrongAtPointThree, points with { Points = [[Tensor.Vector(1.5)]], Runs = 0 });
        Assert.True(onlyPoints.Passed);
        Assert.Equal(1, onlyPoints.CasesRun);
    }

    [Fact]
    public void Points_of_the_wrong_arity_and_a_bad_replay_seed_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            LayerCheck.Verify(AffineRule(), new LayerCheckOptions { Points = [[Tensor.Zeros<double>(1, 2)]] }));
        Assert.Contains("LayerCheckOptions.Points[0]: expected 3 tensors (x, W, B), got 1", error.Message, StringComparison.Ordinal);

        var replay = Assert.Throws<ArgumentOutOfRangeException>(() => LayerCheck.Verify(AffineRule(), new LayerCheckOptions { Replay = "not a seed!" }));
        Assert.Equal("Replay", replay.ParamName);
    }

    [Fact]
    public void Argument_shapes_that_are_not_positive_are_refused_naming_the_argument()
    {
        var rule = RuleUnderTest.Create(
            args => (args[0], 0), (int _, Tensor<double> d) => [d], 1, new RuleArgument("z", d => [d[0] - 1]));

        var error = Assert.Throws<ArgumentException>(() => LayerCheck.Verify(rule, new LayerCheckOptions { MaxDim = 1 }));

        Assert.Contains("the shape of argument z for sizes [1] is [0]", error.Message, StringComparison.Ordinal);
    }

    private static double ColumnVariance(Tensor<double> x, int column)
    {
        var values = Enumerable.Range(0, x.Shape[0]).Select(i => x[i, column]).ToArray();
        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / values.Length;
    }

    private static Tensor<double> Scale(Tensor<double> t, double factor) =>
        factor == 1 ? t : Tensor.FromArray([.. t.ToArray().Select(v => v * factor)], [.. t.Shape.Dims]);
}
