using System.Numerics;
using Functional.Parameters;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Optimizers;

/// <summary>
/// L2 weight decay (section 6.4.2): the loss gains ½·λ·Σ W² over every weight matrix, so each weight's gradient
/// gains λ·W. Weights are the leaves named "W" and digits ("W1", "W2", …, as Network.WeightKey names them);
/// biases ("b1", …) and anything else (e.g. BatchNorm's "gamma1", "beta1") are not decayed, as in the book.
/// </summary>
/// <param name="Lambda">λ (the book's <c>weight_decay_lambda</c>), ≥ 0 and finite.</param>
public sealed record WeightDecay(double Lambda)
{
    private readonly double _lambda = OptimizerChecks.NonNegative(nameof(WeightDecay), nameof(Lambda), Lambda);

    /// <summary>λ, ≥ 0 and finite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative or non-finite value.</exception>
    public double Lambda { get => _lambda; init => _lambda = OptimizerChecks.NonNegative(nameof(WeightDecay), nameof(Lambda), value); }

    /// <summary>The decayed gradient: g + λ·W for every weight, g unchanged for every other parameter.</summary>
    /// <exception cref="ArgumentException">The gradient's names or shapes differ from the parameters'.</exception>
    public ParamTree<T> Gradient<T>(ParamTree<T> gradient, ParamTree<T> parameters, IReadOnlySet<string> weights)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("WeightDecay.Gradient", nameof(gradient), gradient);
        Require.NotNull("WeightDecay.Gradient", nameof(parameters), parameters);
        Require.NotNull("WeightDecay.Gradient", nameof(weights), weights);
        parameters.RequireSameStructure("WeightDecay.Gradient: gradient", gradient);
        return gradient.Map((key, g) => weights.Contains(key) ? AddScaled(g, parameters[key]) : g);
    }

    /// <summary>
    /// The penalty ½·λ·Σ W² added to the loss: (0.5·λ)·s, where s sums the squares of every weight's elements in
    /// key order, then index order.
    /// </summary>
    public double Penalty<T>(ParamTree<T> parameters, IReadOnlySet<string> weights)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull("WeightDecay.Penalty", nameof(parameters), parameters);
        Require.NotNull("WeightDecay.Penalty", nameof(weights), weights);
        var sum = 0.0;
        foreach (var (key, w) in parameters.Leaves)
        {
            if (weights.Contains(key))
            {
                foreach (var element in w.Span)
                {
                    var v = double.CreateTruncating(element);   // sums in float64 for either element type
                    sum += v * v;
                }
            }
        }
        return 0.5 * Lambda * sum;
    }

    // g + λ·W, elementwise.
    private Tensor<T> AddScaled<T>(Tensor<T> g, Tensor<T> w)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] gs = g.Storage, ws = w.Storage;
        var result = GC.AllocateUninitializedArray<T>(gs.Length);
        var lambda = T.CreateTruncating(Lambda);
        for (var i = 0; i < gs.Length; i++)
        {
            result[i] = gs[i] + (lambda * ws[i]);
        }
        return new Tensor<T>(g.Shape, result);
    }
}
