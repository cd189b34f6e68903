using CsCheck;
using Functional.Nodes;
using Functional.Properties.Tests.Support;
using Functional.Tensors;

namespace Functional.Properties.Tests.Nodes;

public class AddProperties
{
    private static readonly Gen<(Tensor X, Tensor Y, Functional.Rng.RngKey Key)> Inputs =
        from shape in Gens.AnyShape
        from x in Gens.TensorOf(shape)
        from y in Gens.TensorOf(shape)
        from key in Gens.Key
        select (x, y, key);

    private static double[] Forward(int[] shape, double[] xy)
    {
        var n = xy.Length / 2;
        return Add.Forward(Tensor.FromArray(xy.AsSpan(0, n), shape), Tensor.FromArray(xy.AsSpan(n), shape)).Output.ToArray();
    }

    private static double[] Vjp(int[] shape, double[] xy, double[] v)
    {
        var n = xy.Length / 2;
        var (_, cache) = Add.Forward(Tensor.FromArray(xy.AsSpan(0, n), shape), Tensor.FromArray(xy.AsSpan(n), shape));
        var g = Add.Backward(cache, Tensor.FromArray(v, shape));
        return [.. g.Dx.ToArray(), .. g.Dy.ToArray()];
    }

    [Fact]
    public void Backward_matches_finite_differences() => PropertyCheck.ForAll(Inputs, input =>
    {
        int[] shape = [.. input.X.Shape.Dims];
        double[] xy = [.. input.X.ToArray(), .. input.Y.ToArray()];
        FiniteDifferences.Vjp("Add", a => Forward(shape, a), (a, v) => Vjp(shape, a, v), xy, input.Key);
        if (input.X.Length <= 4)
        {
            FiniteDifferences.Jacobian("Add", a => Forward(shape, a), (a, v) => Vjp(shape, a, v), xy);
        }
    });

    [Fact]
    public void Backward_passes_dOut_through_to_both_inputs() => PropertyCheck.ForAll(Inputs, input =>
    {
        var dOut = Functional.Rng.Sample.Normal(input.Key, [.. input.X.Shape.Dims]);
        var (output, cache) = Add.Forward(input.X, input.Y);
        var grads = Add.Backward(cache, dOut);
        Assert.Equal(dOut, grads.Dx);
        Assert.Equal(dOut, grads.Dy);
        Assert.Equal(input.X.Span.ToArray().Zip(input.Y.Span.ToArray(), (a, b) => a + b), output.ToArray());
    });

    [Fact]
    public void Forward_and_Backward_are_pure() => PropertyCheck.ForAll(Inputs, input =>
    {
        var dOut = Functional.Rng.Sample.Normal(input.Key, [.. input.X.Shape.Dims]);
        var (_, cache) = Add.Forward(input.X, input.Y);
        Purity.Check("Add.Forward", () => Add.Forward(input.X, input.Y), input.X, input.Y);
        Purity.Check("Add.Backward", () => Add.Backward(cache, dOut), dOut);
    });
}
