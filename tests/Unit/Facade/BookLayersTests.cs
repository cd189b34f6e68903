using Functional.Facade.BookLayers;
using Functional.Losses;
using Functional.Tensors;

namespace Functional.Unit.Tests.Facade;

public class BookLayersTests
{
    [Fact]
    public void The_apple_example_runs_line_by_line_as_in_the_book()
    {
        var mulAppleLayer = new MulLayer();
        var mulTaxLayer = new MulLayer();

        var applePrice = mulAppleLayer.Forward(Tensor.Scalar<double>(100), Tensor.Scalar<double>(2));
        var price = mulTaxLayer.Forward(applePrice, Tensor.Scalar(1.1));
        var (dApplePrice, dTax) = mulTaxLayer.Backward(Tensor.Scalar<double>(1));
        var (dApple, dAppleNum) = mulAppleLayer.Backward(dApplePrice);

        Assert.Equal(220.0, price.ToScalar(), 1e-12);
        Assert.Equal(2.2, dApple.ToScalar(), 1e-12);
        Assert.Equal(110.0, dAppleNum.ToScalar(), 1e-12);
        Assert.Equal(200.0, dTax.ToScalar(), 1e-12);
    }

    [Fact]
    public void A_small_network_of_book_layers_gives_the_pure_cores_gradients()
    {
        var affine = new AffineLayer(Tensor.FromMatrix(new[,] { { 1.0, -1.0 }, { 0.5, 2.0 } }), Tensor.Vector(0.1, -0.2));
        var relu = new ReluLayer();
        var loss = new SoftmaxWithLossLayer();
        var x = Tensor.FromMatrix(new[,] { { 1.0, 2.0 }, { -1.0, 0.5 } });

        loss.Forward(relu.Forward(affine.Forward(x)), Labels.FromIndices(0, 1));
        var dx = affine.Backward(relu.Backward(loss.Backward()));

        var (y1, c1) = Functional.Layers.Affine.Forward(affine.Params, x);
        var (y2, c2) = Functional.Layers.Relu.Forward(y1);
        var (_, c3) = SoftmaxWithLoss.Forward(y2, Labels.FromIndices(0, 1));
        var expected = Functional.Layers.Affine.Backward(c1, Functional.Layers.Relu.Backward(c2, SoftmaxWithLoss.Backward(c3)));
        Assert.Equal(expected.Dx, dx);
        Assert.Equal(expected.DW, affine.DW);
        Assert.Equal(expected.DB, affine.DB);
        Assert.Equal(c3.Softmax, loss.Y);
    }

    [Fact]
    public void Backward_before_Forward_says_to_call_Forward_first()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ReluLayer().Backward(Tensor.Zeros<double>(1)));
        Assert.Contains("ReluLayer.Backward: call Forward first", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new SigmoidLayer().Backward(Tensor.Zeros<double>(1)));
        Assert.Throws<InvalidOperationException>(() => new AddLayer().Backward(Tensor.Zeros<double>(1)));
        Assert.Throws<InvalidOperationException>(() => new SoftmaxWithLossLayer().Backward());
    }
}
