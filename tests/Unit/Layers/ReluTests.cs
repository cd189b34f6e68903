using Functional.Layers;
using Functional.Tensors;

namespace Functional.Unit.Tests.Layers;

public class ReluTests
{
    private static readonly Tensor<double> BookInput = Tensor.FromMatrix(new[,] { { 1.0, -0.5 }, { -2.0, 3.0 } });

    [Fact]
    public void Mask_of_the_books_example_marks_the_non_positive_entries()
    {
        var (output, cache) = Relu.Forward(BookInput);

        Assert.Equal([false, true, true, false], cache.NonPositive.ToArray());
        Assert.Equal(Tensor.FromMatrix(new[,] { { 1.0, 0.0 }, { 0.0, 3.0 } }), output);
    }

    [Fact]
    public void Negative_zero_maps_to_positive_zero_and_NaN_passes_through_as_the_branching_form_gives()
    {
        var x = Tensor.FromArray([-0.0, double.NaN, double.NegativeInfinity, double.PositiveInfinity, double.Epsilon], 5);
        var (output, cache) = Relu.Forward(x);

        Assert.Equal([true, false, true, false, false], cache.NonPositive.ToArray());
        Assert.Equal(Tensor.FromArray([0.0, double.NaN, 0.0, double.PositiveInfinity, double.Epsilon], 5), output);   // bitwise: +0, not −0
        Assert.Equal(output, Relu.Apply(x));
        var dx = Relu.Backward(cache, Tensor.FromArray([-1.0, -0.0, double.NaN, 2.0, double.NaN], 5));
        Assert.Equal(Tensor.FromArray([0.0, -0.0, 0.0, 2.0, double.NaN], 5), dx);
    }

    [Fact]
    public void The_in_place_forms_for_fresh_arrays_give_Forward_and_Backwards_values_and_masks()
    {
        var x = Tensor.FromArray([1.5, -0.0, double.NaN, -2.0, 0.0, 3.0, double.NegativeInfinity, 4.0], 2, 4);
        var dOut = Tensor.FromArray([1.0, 2.0, 3.0, 4.0, -0.0, 6.0, double.NaN, 8.0], 2, 4);
        var (expected, expectedCache) = Relu.Forward(x);
        var expectedDx = Relu.Backward(expectedCache, dOut);

        var (output, cache) = Relu.ForwardReplacing(Tensor.FromArray(x.ToArray(), 2, 4));
        var dx = Relu.BackwardReplacing(cache, Tensor.FromArray(dOut.ToArray(), 2, 4));

        Assert.Equal(expected, output);
        Assert.Equal(expectedCache.NonPositive.ToArray(), cache.NonPositive.ToArray());
        Assert.Equal(expectedDx, dx);
    }

    [Fact]
    public void Backward_blocks_dOut_where_the_mask_is_set_and_leaves_dOut_unchanged()
    {
        var (_, cache) = Relu.Forward(BookInput);
        var dOut = Tensor.FromMatrix(new[,] { { 10.0, 20.0 }, { 30.0, 40.0 } });

        var dx = Relu.Backward(cache, dOut);

        Assert.Equal(Tensor.FromMatrix(new[,] { { 10.0, 0.0 }, { 0.0, 40.0 } }), dx);
        Assert.Equal(Tensor.FromMatrix(new[,] { { 10.0, 20.0 }, { 30.0, 40.0 } }), dOut);   // the book's version zeroes dout in place
    }

    [Fact]
    public void Zero_is_masked_as_the_book_does()
    {
        var (output, cache) = Relu.Forward(Tensor.Vector(0.0, -0.0));
        Assert.Equal([true, true], cache.NonPositive.ToArray());
        Assert.Equal(Tensor.Vector(0.0, 0.0), output);
    }

    [Fact]
    public void Backward_with_a_dOut_of_another_shape_names_both_shapes()
    {
        var (_, cache) = Relu.Forward(BookInput);
        var error = Assert.Throws<ArgumentException>(() => Relu.Backward(cache, Tensor.Zeros<double>(2, 3)));
        Assert.Contains("Relu.Backward", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 2]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_batch_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Relu.Forward(Tensor.Zeros<double>(0, 3)));
        Assert.Contains("Relu.Forward", error.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 3]", error.Message, StringComparison.Ordinal);
    }
}
