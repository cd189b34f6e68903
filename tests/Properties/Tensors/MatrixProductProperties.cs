using CsCheck;
using Functional.Layers;
using Functional.Properties.Tests.Support;
using Functional.Tensors;

namespace Functional.Properties.Tests.Tensors;

/// <summary>
/// The register-blocked products against plain loops, on shapes wide enough to reach every path: 4-row blocks and
/// leftover rows; 16- and 8-column vector blocks; 2-column and single-column tails.
/// </summary>
public class MatrixProductProperties
{
    private sealed record Case(Tensor<double> X, Tensor<double> W, Tensor<double> DOut)
    {
        public int Batch => X.Shape[0];
        public int In => X.Shape[1];
        public int Out => W.Shape[1];
    }

    private static readonly Gen<Case> Inputs =
        from batch in Gen.Int[1, 13]
        from inputs in Gen.Int[1, 40]
        from outputs in Gen.Int[1, 70]
        from x in Gens.TensorOf([batch, inputs])
        from w in Gens.TensorOf([inputs, outputs])
        from dOut in Gens.TensorOf([batch, outputs])
        select new Case(x, w, dOut);

    [Fact]
    public void Forward_and_weight_gradients_equal_plain_loops_bit_for_bit() => PropertyCheck.ForAll(Inputs, c =>
    {
        var (y, cache) = Affine.Forward(new AffineParams<double>(c.W, Tensor.Zeros<double>(c.Out)), c.X);
        var dW = Affine.WeightGradients(cache, c.DOut).DW;
        double[] x = c.X.ToArray(), w = c.W.ToArray(), d = c.DOut.ToArray();
        var expectedY = new double[c.Batch * c.Out];
        var expectedDW = new double[c.In * c.Out];
        for (var j = 0; j < c.Out; j++)
        {
            for (var i = 0; i < c.Batch; i++)
            {
                var sum = 0.0;
                for (var k = 0; k < c.In; k++)
                {
                    sum += x[(i * c.In) + k] * w[(k * c.Out) + j];
                }
                expectedY[(i * c.Out) + j] = sum + 0.0;   // the bias add, as Forward does it
            }
            for (var k = 0; k < c.In; k++)
            {
                var sum = 0.0;
                for (var i = 0; i < c.Batch; i++)
                {
                    sum += x[(i * c.In) + k] * d[(i * c.Out) + j];
                }
                expectedDW[(k * c.Out) + j] = sum;
            }
        }
        Assert.Equal(Tensor.FromArray(expectedY, c.Batch, c.Out), y);
        Assert.Equal(Tensor.FromArray(expectedDW, c.In, c.Out), dW);
    });
}
