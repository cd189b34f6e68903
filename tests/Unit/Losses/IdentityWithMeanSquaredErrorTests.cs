using Functional.Losses;
using Functional.Tensors;

namespace Functional.Unit.Tests.Losses;

public class IdentityWithMeanSquaredErrorTests
{
    [Theory]
    [InlineData(2, 0.0975)]   // section 4.2.1: the "2" scores 0.6, mean_squared_error gives 0.0975
    [InlineData(7, 0.5975)]   // the "7" scores 0.6 instead: 0.5975
    public void The_books_single_sample_examples_give_its_values(int scored, double expected)
    {
        double[] y = [0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0];
        y[scored] = 0.6;
        var t = Tensor.FromArray<double>([0, 0, 1, 0, 0, 0, 0, 0, 0, 0], 1, 10);

        var (loss, cache) = IdentityWithMeanSquaredError.Forward(Tensor.FromArray<double>(y, 1, 10), t);
        var (fromLabel, _) = IdentityWithMeanSquaredError.Forward(Tensor.FromArray(y, 1, 10), Labels.FromIndices(2));

        Assert.Equal(expected, loss, 1e-15);
        Assert.Equal(BitConverter.DoubleToInt64Bits(loss), BitConverter.DoubleToInt64Bits(fromLabel));
        Assert.Equal(Tensor.FromArray([.. y.Select((v, k) => v - t.Span[k])], 1, 10), IdentityWithMeanSquaredError.Backward(cache));   // y − t
    }

    [Fact]
    public void A_batch_averages_the_sample_losses_and_the_gradient_is_y_minus_t_over_N()
    {
        var y = Tensor.FromMatrix(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } });
        var t = Tensor.FromMatrix(new[,] { { 0.0, 2.0 }, { 1.0, 1.0 } });

        var (loss, cache) = IdentityWithMeanSquaredError.Forward(y, t);

        Assert.Equal(3.5, loss);   // ½·(1 + 0 + 4 + 9)/2
        Assert.Equal(Tensor.FromMatrix(new[,] { { 0.5, 0.0 }, { 1.0, 1.5 } }), IdentityWithMeanSquaredError.Backward(cache));
        Assert.Equal(Tensor.FromMatrix(new[,] { { 1.0, 0.0 }, { 2.0, 3.0 } }), IdentityWithMeanSquaredError.Backward(cache, 2.0));
        Assert.Equal(Tensor.FromMatrix(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } }), y);
    }

    [Fact]
    public void Index_labels_are_expanded_to_one_hot_targets()
    {
        var (loss, cache) = IdentityWithMeanSquaredError.Forward(Tensor.Zeros<double>(2, 3), Labels.FromIndices(2, 0));
        Assert.Equal(0.5, loss);   // ½·(1 + 1)/2
        Assert.Equal(Tensor.FromMatrix(new[,] { { 0.0, 0.0, 1.0 }, { 1.0, 0.0, 0.0 } }), cache.Targets);
    }

    [Fact]
    public void Targets_of_another_shape_are_refused_with_both_shapes()
    {
        var error = Assert.Throws<ArgumentException>(() => IdentityWithMeanSquaredError.Forward(Tensor.Zeros<double>(2, 3), Tensor.Zeros<double>(3, 2)));
        Assert.Contains("IdentityWithMeanSquaredError.Forward", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[3, 2]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.NegativeInfinity)]
    public void A_non_finite_target_is_refused_with_its_position(double bad)
    {
        var t = Tensor.FromMatrix(new[,] { { 0.0, 1.0 }, { 2.0, bad } });
        var error = Assert.Throws<ArgumentException>(() => IdentityWithMeanSquaredError.Forward(Tensor.Zeros<double>(2, 2), t));
        Assert.Contains("every target must be finite", error.Message, StringComparison.Ordinal);
        Assert.Contains("row 1, column 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_that_is_not_a_non_empty_matrix_is_refused()
    {
        var rank = Assert.Throws<ArgumentException>(() => IdentityWithMeanSquaredError.Forward(Tensor.Zeros<double>(3), Tensor.Zeros<double>(3)));
        Assert.Contains("y must have rank 2", rank.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<ArgumentException>(() => IdentityWithMeanSquaredError.Forward(Tensor.Zeros<double>(0, 3), Labels.FromIndices(0)));
        Assert.Contains("[0, 3]", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_count_other_than_the_batch_size_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => IdentityWithMeanSquaredError.Forward(Tensor.Zeros<double>(3, 4), Labels.FromIndices(0, 1)));
        Assert.Contains("expected 3 labels", error.Message, StringComparison.Ordinal);
        Assert.Contains("got 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_index_out_of_range_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => IdentityWithMeanSquaredError.Forward(Tensor.Zeros<double>(2, 10), Labels.FromIndices(3, 10)));
        Assert.Contains("label 1 is 10", error.Message, StringComparison.Ordinal);
        Assert.Contains("10 outputs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_hot_labels_of_another_shape_are_refused()
    {
        var labels = Labels.OneHot(Tensor.FromMatrix(new[,] { { 0.0, 1.0, 0.0 }, { 1.0, 0.0, 0.0 } }));
        var error = Assert.Throws<ArgumentException>(() => IdentityWithMeanSquaredError.Forward(Tensor.Zeros<double>(2, 4), labels));
        Assert.Contains("[2, 4]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_finite_dOut_is_refused()
    {
        var (_, cache) = IdentityWithMeanSquaredError.Forward(Tensor.Zeros<double>(1, 2), Tensor.Zeros<double>(1, 2));
        var error = Assert.Throws<ArgumentException>(() => IdentityWithMeanSquaredError.Backward(cache, double.NaN));
        Assert.Contains("IdentityWithMeanSquaredError.Backward", error.Message, StringComparison.Ordinal);
        Assert.Contains("dOut", error.Message, StringComparison.Ordinal);
    }
}
