using Functional.Losses;
using Functional.Tensors;

namespace Functional.Unit.Tests.Losses;

public class SoftmaxWithLossTests
{
    [Fact]
    public void Large_logits_give_a_finite_loss_and_gradient()
    {
        var logits = Tensor.FromMatrix(new[,] { { 1000.0, -1000.0, 0.0 }, { -1000.0, 1000.0, 1000.0 } });

        var (loss, cache) = SoftmaxWithLoss.Forward(logits, Labels.FromIndices(1, 2));
        var dx = SoftmaxWithLoss.Backward(cache);

        // Sample 0 puts all mass on class 0 but the label is 1: its loss is 2000. Sample 1 splits evenly: log 2.
        Assert.Equal((2000.0 + Math.Log(2.0)) / 2, loss, 1e-12);
        Assert.All(dx.ToArray(), g => Assert.True(double.IsFinite(g)));
        Assert.Equal(Tensor.FromMatrix(new[,] { { 0.5, -0.5, 0.0 }, { 0.0, 0.25, -0.25 } }), dx);
    }

    [Fact]
    public void Uniform_logits_give_log_of_the_class_count()
    {
        var (loss, _) = SoftmaxWithLoss.Forward(Tensor.Zeros<double>(4, 10), Labels.FromIndices(0, 3, 7, 9));
        Assert.Equal(Math.Log(10), loss, 1e-15);
    }

    [Fact]
    public void The_books_example_scores_give_its_cross_entropy()
    {
        // Section 4.2.2's y, taken as probabilities: logits log(y) reproduce them, and the loss is −log 0.6.
        double[] y = [0.1, 0.05, 0.6, 0.0001, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0];
        var logits = Tensor.FromArray([.. y.Select(p => p > 0 ? Math.Log(p) : -1e4)], 1, 10);
        var (loss, _) = SoftmaxWithLoss.Forward(logits, Labels.FromIndices(2));
        Assert.Equal(-Math.Log(0.6 / y.Sum()), loss, 1e-12);
    }

    [Fact]
    public void A_label_count_other_than_the_batch_size_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => SoftmaxWithLoss.Forward(Tensor.Zeros<double>(3, 4), Labels.FromIndices(0, 1)));
        Assert.Contains("SoftmaxWithLoss.Forward", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected 3 labels", error.Message, StringComparison.Ordinal);
        Assert.Contains("got 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_index_out_of_range_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => SoftmaxWithLoss.Forward(Tensor.Zeros<double>(2, 10), Labels.FromIndices(3, 10)));
        Assert.Contains("label 1 is 10", error.Message, StringComparison.Ordinal);
        Assert.Contains("10 classes", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Labels.FromIndices(-1));
    }

    [Fact]
    public void One_hot_labels_of_another_shape_are_refused()
    {
        var labels = Labels.OneHot(Tensor.FromMatrix(new[,] { { 0.0, 1.0, 0.0 }, { 1.0, 0.0, 0.0 } }));
        var error = Assert.Throws<ArgumentException>(() => SoftmaxWithLoss.Forward(Tensor.Zeros<double>(2, 4), labels));
        Assert.Contains("[2, 4]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NaN_or_infinite_labels_are_refused(double bad)
    {
        var oneHot = Assert.Throws<ArgumentException>(() => Labels.OneHot(Tensor.FromMatrix(new[,] { { 0.0, 1.0 }, { bad, 0.0 } })));
        Assert.Contains("Labels.OneHot", oneHot.Message, StringComparison.Ordinal);
        Assert.Contains("row 1, column 0", oneHot.Message, StringComparison.Ordinal);
        var indices = Assert.Throws<ArgumentException>(() => Labels.FromIndices(Tensor.Vector(1.0, bad)));
        Assert.Contains("label 1", indices.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rows_that_do_not_sum_to_one_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Labels.OneHot(Tensor.FromMatrix(new[,] { { 1.0, 1.0 } })));
        Assert.Contains("row 0 sums to 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_batch_is_refused()
    {
        Assert.Throws<ArgumentException>(() => SoftmaxWithLoss.Forward(Tensor.Zeros<double>(0, 10), Labels.FromIndices(0)));
        Assert.Throws<ArgumentException>(() => Labels.FromIndices(ReadOnlySpan<int>.Empty));
    }

    [Fact]
    public void A_non_finite_dOut_is_refused()
    {
        var (_, cache) = SoftmaxWithLoss.Forward(Tensor.Zeros<double>(1, 2), Labels.FromIndices(0));
        var error = Assert.Throws<ArgumentException>(() => SoftmaxWithLoss.Backward(cache, double.NaN));
        Assert.Contains("dOut", error.Message, StringComparison.Ordinal);
    }
}
