using Functional.Nodes;
using Functional.Tensors;

namespace Functional.Unit.Tests.Nodes;

/// <summary>Section 5.4.1: buying 2 apples at 100 each with 10% tax, forward and backward through two Mul nodes.</summary>
public class BuyingApplesTests
{
    [Fact]
    public void Price_is_220_and_the_gradients_are_2_2_110_and_200()
    {
        Tensor<double> apple = Tensor.Scalar<double>(100), appleCount = Tensor.Scalar<double>(2), tax = Tensor.Scalar<double>(1.1);

        var (applePrice, appleCache) = Mul.Forward(apple, appleCount);
        var (price, taxCache) = Mul.Forward(applePrice, tax);

        var taxGrads = Mul.Backward(taxCache, Tensor.Scalar<double>(1));
        var appleGrads = Mul.Backward(appleCache, taxGrads.Dx);

        Assert.Equal(220.0, price.ToScalar(), 1e-12);
        Assert.Equal(2.2, appleGrads.Dx.ToScalar(), 1e-12);
        Assert.Equal(110.0, appleGrads.Dy.ToScalar(), 1e-12);
        Assert.Equal(200.0, taxGrads.Dy.ToScalar(), 1e-12);
    }
}
