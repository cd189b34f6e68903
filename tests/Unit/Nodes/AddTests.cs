using Functional.Nodes;
using Functional.Tensors;

namespace Functional.Unit.Tests.Nodes;

public class AddTests
{
    /// <summary>Section 5.4.2: 2 apples and 3 oranges (150 each) with tax 1.1 cost 715; the book's gradients follow.</summary>
    [Fact]
    public void Apples_and_oranges_cost_715()
    {
        var (applePrice, appleCache) = Mul.Forward(Tensor.Scalar<double>(100), Tensor.Scalar<double>(2));
        var (orangePrice, orangeCache) = Mul.Forward(Tensor.Scalar<double>(150), Tensor.Scalar<double>(3));
        var (total, addCache) = Add.Forward(applePrice, orangePrice);
        var (price, taxCache) = Mul.Forward(total, Tensor.Scalar(1.1));

        var taxGrads = Mul.Backward(taxCache, Tensor.Scalar<double>(1));
        var addGrads = Add.Backward(addCache, taxGrads.Dx);
        var appleGrads = Mul.Backward(appleCache, addGrads.Dx);
        var orangeGrads = Mul.Backward(orangeCache, addGrads.Dy);

        Assert.Equal(715.0, price.ToScalar(), 1e-9);
        Assert.Equal(110.0, appleGrads.Dy.ToScalar(), 1e-9);
        Assert.Equal(2.2, appleGrads.Dx.ToScalar(), 1e-12);
        Assert.Equal(3.3, orangeGrads.Dx.ToScalar(), 1e-12);
        Assert.Equal(165.0, orangeGrads.Dy.ToScalar(), 1e-9);
        Assert.Equal(650.0, taxGrads.Dy.ToScalar(), 1e-9);
    }

    [Fact]
    public void Inputs_of_different_shapes_are_refused_without_broadcasting()
    {
        var error = Assert.Throws<ArgumentException>(() => Add.Forward(Tensor.Zeros<double>(2, 3), Tensor.Zeros<double>(3)));
        Assert.Contains("Add.Forward", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[3]", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Mul.Forward(Tensor.Zeros<double>(2, 3), Tensor.Zeros<double>(2, 1)));
    }
}
