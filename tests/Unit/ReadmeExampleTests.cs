using Functional.Layers;
using Functional.Losses;
using Functional.Tensors;

namespace Functional.Unit.Tests;

/// <summary>The README's explicit-cache example, verbatim, so the documentation cannot drift from the API.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void The_explicit_cache_example_runs_and_its_gradients_have_the_parameters_shapes()
    {
        var x = Tensor.FromMatrix(new[,] { { 1.0, 2.0 }, { -1.0, 0.5 } });            // [batch, features]
        var p = new AffineParams(Tensor.FromMatrix(new[,] { { 1.0, -1.0 }, { 0.5, 2.0 } }), Tensor.Vector(0.1, -0.2));
        var labels = Labels.FromIndices(0, 1);                                        // or Labels.OneHot(rows)

        var (h, affineCache) = Affine.Forward(p, x);         // the cache holds x and W; the caller keeps it
        var (a, reluCache) = Relu.Forward(h);                // the cache holds the mask where h <= 0
        var (loss, lossCache) = SoftmaxWithLoss.Forward(a, labels);

        var da = SoftmaxWithLoss.Backward(lossCache);        // (softmax − t) / N
        var dh = Relu.Backward(reluCache, da);               // da is left untouched
        var grads = Affine.Backward(affineCache, dh);        // grads.Dx, grads.DW = xᵀ·dh, grads.DB = column sums of dh

        Assert.True(loss > 0);
        Assert.Equal(x.Shape, grads.Dx.Shape);
        Assert.Equal(p.W.Shape, grads.DW.Shape);
        Assert.Equal(p.B.Shape, grads.DB.Shape);
    }
}
