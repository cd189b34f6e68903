using CsCheck;
using Functional.Optimizers;
using Functional.Parameters;
using Functional.Properties.Tests.Support;
using Functional.Tensors;

namespace Functional.Properties.Tests.Optimizers;

public class GradientClippingProperties
{
    private static readonly Gen<(ParamTree<double> Gradient, double MaxNorm)> Inputs =
        from structure in OptimizerGens.Structure
        from gradient in OptimizerGens.TreeOf(structure)
        from maxNorm in Gen.Int[1, 4096].Select(k => k / 256.0)
        select (gradient, maxNorm);

    private static double[] Flat(ParamTree<double> tree) => [.. tree.Leaves.Values.SelectMany(t => t.ToArray())];

    [Fact]
    public void GlobalNorm_is_the_euclidean_norm_of_all_elements() => PropertyCheck.ForAll(Inputs, input =>
    {
        var all = Flat(input.Gradient);
        var norm = GradientClipping.GlobalNorm(input.Gradient);
        Assert.Equal(Math.Sqrt(all.Sum(v => v * v)), norm, 1e-13 * (1 + norm));
        Assert.True(norm >= all.Max(Math.Abs));
        // Scaling by a power of two is exact in every square, sum and square root.
        var scaled = input.Gradient.Map((_, t) => Tensor.FromArray([.. t.ToArray().Select(v => v * 1024)], [.. t.Shape.Dims]));
        Assert.Equal(1024 * norm, GradientClipping.GlobalNorm(scaled));
    });

    [Fact]
    public void Clipped_norm_is_the_smaller_of_norm_and_maxNorm_and_the_direction_is_kept() => PropertyCheck.ForAll(Inputs, input =>
    {
        var (gradient, maxNorm) = input;
        var norm = GradientClipping.GlobalNorm(gradient);
        var clipped = GradientClipping.ByGlobalNorm(gradient, maxNorm);
        gradient.RequireSameStructure("ByGlobalNorm", clipped);
        if (norm <= maxNorm)
        {
            Assert.Equal(gradient.Sha256(), clipped.Sha256());
            return;
        }
        // Each element is g·(maxNorm/norm) with one rounding, and norm and the clipped norm are each sums of n
        // squares with at most n − 1 roundings: the clipped norm is maxNorm to within about (n + 4)·ε relative.
        double[] g = Flat(gradient), c = Flat(clipped);
        Assert.Equal(maxNorm, GradientClipping.GlobalNorm(clipped), (g.Length + 4) * 2.3e-16 * maxNorm);
        var scale = maxNorm / norm;
        for (var i = 0; i < g.Length; i++)
        {
            Assert.Equal(g[i] * scale, c[i]);
            Assert.Equal(Math.Sign(g[i]), Math.Sign(c[i]));
            Assert.True(Math.Abs(c[i]) <= Math.Abs(g[i]));
        }
    });
}
