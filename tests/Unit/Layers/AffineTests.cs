using Functional.Layers;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Unit.Tests.Layers;

public class AffineTests
{
    private static AffineParams<double> Params(int inputs, int outputs) =>
        new(Sample.Normal(RngKey.FromSeed(1), inputs, outputs), Sample.Normal(RngKey.FromSeed(2), outputs));

    [Fact]
    public void Forward_computes_x_W_plus_B()
    {
        var p = new AffineParams<double>(Tensor.FromMatrix(new[,] { { 1.0, 2.0, 3.0 }, { 4.0, 5.0, 6.0 } }), Tensor.Vector(0.5, -0.5, 1.0));
        var (y, _) = Affine.Forward(p, Tensor.FromMatrix(new[,] { { 1.0, 1.0 }, { 2.0, -1.0 } }));
        Assert.Equal(Tensor.FromMatrix(new[,] { { 5.5, 6.5, 10.0 }, { -1.5, -1.5, 1.0 } }), y);
    }

    [Fact]
    public void A_4D_input_is_flattened_and_its_dx_comes_back_in_4D()
    {
        var x = Sample.Normal(RngKey.FromSeed(3), 2, 3, 2, 2);   // [N, C, H, W]
        var p = Params(12, 5);

        var (y, cache) = Affine.Forward(p, x);
        var grads = Affine.Backward(cache, Tensor.Filled(1.0, 2, 5));

        Assert.Equal(new Shape(2, 5), y.Shape);
        Assert.Equal(new Shape(2, 12), cache.X.Shape);
        Assert.Equal(x.Shape, grads.Dx.Shape);
        Assert.Equal(new Shape(12, 5), grads.DW.Shape);
        Assert.Equal(Tensor.Filled(2.0, 5), grads.DB);
        var (flatY, _) = Affine.Forward(p, x.Reshape(2, 12));
        Assert.Equal(flatY, y);
    }

    [Fact]
    public void A_feature_count_other_than_W_rows_is_refused_with_both_shapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Affine.Forward(Params(784, 50), Tensor.Zeros<double>(100, 785)));
        Assert.Contains("Affine.Forward", error.Message, StringComparison.Ordinal);
        Assert.Contains("784", error.Message, StringComparison.Ordinal);
        Assert.Contains("[100, 785]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_batch_and_a_rank_1_input_are_refused()
    {
        Assert.Contains("at least one sample", Assert.Throws<ArgumentException>(() => Affine.Forward(Params(3, 2), Tensor.Zeros<double>(0, 3))).Message, StringComparison.Ordinal);
        Assert.Contains("rank ≥ 2", Assert.Throws<ArgumentException>(() => Affine.Forward(Params(3, 2), Tensor.Zeros<double>(3))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bias_that_does_not_match_W_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new AffineParams<double>(Tensor.Zeros<double>(3, 2), Tensor.Zeros<double>(3)));
        Assert.Contains("AffineParams", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backward_with_a_dOut_of_another_shape_is_refused()
    {
        var (_, cache) = Affine.Forward(Params(3, 2), Tensor.Zeros<double>(4, 3));
        var error = Assert.Throws<ArgumentException>(() => Affine.Backward(cache, Tensor.Zeros<double>(4, 3)));
        Assert.Contains("Affine.Backward", error.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 2]", error.Message, StringComparison.Ordinal);
    }
}
