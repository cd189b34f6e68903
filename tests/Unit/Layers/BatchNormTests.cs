using Functional.Layers;
using Functional.Tensors;

namespace Functional.Unit.Tests.Layers;

public class BatchNormTests
{
    private const double Epsilon = 1e-6;   // the default, the book's 10e-7

    // Two features over a batch of two: means [2, 4], biased variances [1, 4].
    private static readonly Tensor<double> X = Tensor.FromMatrix(new[,] { { 1.0, 2.0 }, { 3.0, 6.0 } });
    private static readonly BatchNormParams<double> Params = new(Tensor.Vector(2.0, -1.0), Tensor.Vector(0.5, 1.0));

    [Fact]
    public void Training_normalises_each_feature_with_its_batch_statistics_then_scales_and_shifts()
    {
        var (output, cache, _) = BatchNorm.ForwardTraining(Params, BatchNormState<double>.Initial(2), X);

        double s0 = Math.Sqrt(1 + Epsilon), s1 = Math.Sqrt(4 + Epsilon);   // xn = ±1·(1 − ε/2…)
        Assert.Equal(Tensor.FromMatrix(new[,] { { -1.0, -2.0 }, { 1.0, 2.0 } }), cache.Centered);
        Assert.Equal(Tensor.Vector(s0, s1), cache.Std);
        Assert.Equal((2.0 * (-1 / s0)) + 0.5, output[0, 0], 1e-15);   // ≈ −1.5
        Assert.Equal((-1.0 * (-2 / s1)) + 1.0, output[0, 1], 1e-15);  // ≈ 2
        Assert.Equal((2.0 * (1 / s0)) + 0.5, output[1, 0], 1e-15);    // ≈ 2.5
        Assert.Equal((-1.0 * (2 / s1)) + 1.0, output[1, 1], 1e-15);   // ≈ 0
        Assert.Equal(-1.5, output[0, 0], 1e-6);
    }

    [Fact]
    public void The_running_statistics_move_a_tenth_of_the_way_to_the_batch_statistics()
    {
        var state = BatchNorm.ForwardTraining(Params, BatchNormState<double>.Initial(2), X).State;   // momentum 0.9

        Assert.Equal(0.2, state.RunningMean[0], 1e-15);
        Assert.Equal(0.4, state.RunningMean[1], 1e-15);
        Assert.Equal(0.1, state.RunningVariance[0], 1e-15);
        Assert.Equal(0.4, state.RunningVariance[1], 1e-15);

        var second = BatchNorm.ForwardTraining(Params, state, X, momentum: 0.5).State;
        Assert.Equal(0.5 * (0.2 + 2.0), second.RunningMean[0], 1e-15);
        Assert.Equal(0.5 * (0.1 + 1.0), second.RunningVariance[0], 1e-15);
    }

    [Fact]
    public void The_initial_state_is_the_books_zeros_and_the_initial_params_are_the_identity()
    {
        var state = BatchNormState<double>.Initial(3);
        Assert.Equal(Tensor.Zeros<double>(3), state.RunningMean);
        Assert.Equal(Tensor.Zeros<double>(3), state.RunningVariance);
        var p = BatchNormParams<double>.Initial(3);
        Assert.Equal(Tensor.Filled(1.0, 3), p.Gamma);
        Assert.Equal(Tensor.Zeros<double>(3), p.Beta);
        Assert.Equal(3, p.Features);
    }

    [Fact]
    public void Inference_uses_the_running_statistics()
    {
        var state = new BatchNormState<double>(Tensor.Vector(2.0, 4.0), Tensor.Vector(1.0, 4.0));
        var training = BatchNorm.ForwardTraining(Params, BatchNormState<double>.Initial(2), X).Output;
        Assert.Equal(training, BatchNorm.ForwardInference(Params, state, X));

        // With the book's zero initial variance, inference divides by √ε: x = 1 becomes 1/√1e-6 = 1000.
        var fresh = BatchNorm.ForwardInference(BatchNormParams<double>.Initial(1), BatchNormState<double>.Initial(1), Tensor.FromMatrix(new[,] { { 1.0 } }));
        Assert.Equal(1 / Math.Sqrt(Epsilon), fresh[0, 0], 1e-9);
    }

    [Fact]
    public void Backward_gives_the_batch_sums_for_gamma_and_beta_and_the_closed_form_dx()
    {
        var x = Tensor.FromMatrix(new[,] { { 1.0 }, { 2.0 }, { 6.0 } });
        var p = new BatchNormParams<double>(Tensor.Vector(3.0), Tensor.Vector(0.0));
        var (_, cache, _) = BatchNorm.ForwardTraining(p, BatchNormState<double>.Initial(1), x);
        var dOut = Tensor.FromMatrix(new[,] { { 1.0 }, { -2.0 }, { 0.5 } });

        var g = BatchNorm.Backward(cache, dOut);

        Assert.Equal(Tensor.Vector(-0.5), g.DBeta);   // 1 − 2 + 0.5
        double[] xn = cache.Normalized.ToArray(), d = dOut.ToArray();
        var dGamma = (xn[0] * d[0]) + (xn[1] * d[1]) + (xn[2] * d[2]);
        Assert.Equal(Tensor.Vector(dGamma), g.DGamma);
        // The textbook closed form: dx = γ/(N·std)·(N·dOut − Σ dOut − xn·Σ xn·dOut).
        var std = cache.Std[0];
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(3.0 / (3 * std) * ((3 * d[i]) - (-0.5) - (xn[i] * dGamma)), g.Dx[i, 0], 1e-12);
        }
    }

    [Fact]
    public void A_batch_of_one_outputs_beta_and_passes_no_gradient_to_x()
    {
        var (output, cache, state) = BatchNorm.ForwardTraining(Params, BatchNormState<double>.Initial(2), Tensor.FromMatrix(new[,] { { 7.0, -3.0 } }));

        Assert.Equal(Tensor.FromMatrix(new[,] { { 0.5, 1.0 } }), output);
        Assert.Equal(Tensor.Vector(Math.Sqrt(Epsilon), Math.Sqrt(Epsilon)), cache.Std);   // √(0 + ε): never a division by 0
        Assert.Equal(Tensor.Zeros<double>(2), state.RunningVariance);
        var g = BatchNorm.Backward(cache, Tensor.FromMatrix(new[,] { { 1.0, 2.0 } }));
        Assert.Equal(Tensor.Zeros<double>(1, 2), g.Dx);
        Assert.Equal(Tensor.Vector(1.0, 2.0), g.DBeta);
        Assert.Equal(Tensor.Zeros<double>(2), g.DGamma);
    }

    [Fact]
    public void An_input_with_the_wrong_feature_count_is_refused_with_both_shapes()
    {
        var error = Assert.Throws<ArgumentException>(() => BatchNorm.ForwardTraining(Params, BatchNormState<double>.Initial(2), Tensor.Zeros<double>(4, 3)));
        Assert.Contains("BatchNorm.ForwardTraining", error.Message, StringComparison.Ordinal);
        Assert.Contains("x must have 2 features", error.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 3]", error.Message, StringComparison.Ordinal);
        var inference = Assert.Throws<ArgumentException>(() => BatchNorm.ForwardInference(Params, BatchNormState<double>.Initial(2), Tensor.Zeros<double>(4, 3)));
        Assert.Contains("BatchNorm.ForwardInference", inference.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_with_another_feature_count_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => BatchNorm.ForwardInference(Params, BatchNormState<double>.Initial(3), X));
        Assert.Contains("BatchNorm.ForwardInference", error.Message, StringComparison.Ordinal);
        Assert.Contains("state must have 2 features", error.Message, StringComparison.Ordinal);
        Assert.Contains("[3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inputs_that_are_not_a_non_empty_matrix_are_refused()
    {
        var state = BatchNormState<double>.Initial(2);
        var rank1 = Assert.Throws<ArgumentException>(() => BatchNorm.ForwardTraining(Params, state, Tensor.Zeros<double>(2)));
        Assert.Contains("x must have rank 2", rank1.Message, StringComparison.Ordinal);
        var rank3 = Assert.Throws<ArgumentException>(() => BatchNorm.ForwardTraining(Params, state, Tensor.Zeros<double>(2, 2, 1)));
        Assert.Contains("[2, 2, 1]", rank3.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<ArgumentException>(() => BatchNorm.ForwardTraining(Params, state, Tensor.Zeros<double>(0, 2)));
        Assert.Contains("must not be empty", empty.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 2]", empty.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => BatchNorm.ForwardTraining(null!, state, X));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void A_momentum_outside_zero_to_one_is_refused(double momentum)
    {
        var error = Assert.Throws<ArgumentException>(() => BatchNorm.ForwardTraining(Params, BatchNormState<double>.Initial(2), X, momentum));
        Assert.Contains("BatchNorm.ForwardTraining", error.Message, StringComparison.Ordinal);
        Assert.Contains("momentum must be a finite value in [0, 1]", error.Message, StringComparison.Ordinal);
        Assert.Contains($"got {momentum}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-7)]
    [InlineData(double.PositiveInfinity)]
    public void An_epsilon_that_is_not_positive_and_finite_is_refused(double epsilon)
    {
        var training = Assert.Throws<ArgumentException>(() => BatchNorm.ForwardTraining(Params, BatchNormState<double>.Initial(2), X, epsilon: epsilon));
        Assert.Contains("epsilon must be a finite value > 0", training.Message, StringComparison.Ordinal);
        Assert.Contains($"got {epsilon}", training.Message, StringComparison.Ordinal);
        var inference = Assert.Throws<ArgumentException>(() => BatchNorm.ForwardInference(Params, BatchNormState<double>.Initial(2), X, epsilon));
        Assert.Contains("BatchNorm.ForwardInference", inference.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Params_and_state_of_mismatched_or_non_vector_shapes_are_refused()
    {
        var p = Assert.Throws<ArgumentException>(() => new BatchNormParams<double>(Tensor.Zeros<double>(3), Tensor.Zeros<double>(2)));
        Assert.Contains("BatchNormParams", p.Message, StringComparison.Ordinal);
        Assert.Contains("[3]", p.Message, StringComparison.Ordinal);
        Assert.Contains("[2]", p.Message, StringComparison.Ordinal);
        var rank = Assert.Throws<ArgumentException>(() => new BatchNormParams<double>(Tensor.Zeros<double>(1, 3), Tensor.Zeros<double>(3)));
        Assert.Contains("Gamma must have rank 1", rank.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<ArgumentException>(() => new BatchNormParams<double>(Tensor.Zeros<double>(0), Tensor.Zeros<double>(0)));
        Assert.Contains("must not be empty", empty.Message, StringComparison.Ordinal);
        var state = Assert.Throws<ArgumentException>(() => new BatchNormState<double>(Tensor.Zeros<double>(2), Tensor.Zeros<double>(4)));
        Assert.Contains("BatchNormState", state.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", state.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchNormState<double>.Initial(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchNormParams<double>.Initial(-1));
    }

    [Fact]
    public void Backward_with_a_dOut_of_another_shape_names_both_shapes()
    {
        var (_, cache, _) = BatchNorm.ForwardTraining(Params, BatchNormState<double>.Initial(2), X);
        var error = Assert.Throws<ArgumentException>(() => BatchNorm.Backward(cache, Tensor.Zeros<double>(2, 3)));
        Assert.Contains("BatchNorm.Backward", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 2]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", error.Message, StringComparison.Ordinal);
    }
}
