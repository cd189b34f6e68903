using System.Collections.Immutable;
using Functional.Losses;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Networks;

/// <summary>
/// The book's gradient_check.py (section 5.7.3): the mean absolute difference between the numerical and the
/// backprop gradient of every parameter.
/// </summary>
public static class GradientCheck
{
    /// <summary>Per parameter, in key order: mean |numerical − backprop|.</summary>
    public static ImmutableSortedDictionary<string, double> Run(Network network, ParamTree<double> parameters, Tensor<double> x, Labels labels) =>
        Run(network, parameters, ParamTree<double>.Empty, x, labels);

    /// <summary>Per parameter, in key order: mean |numerical − backprop|, for a network with state (BatchNorm's running statistics).</summary>
    public static ImmutableSortedDictionary<string, double> Run(Network network, ParamTree<double> parameters, ParamTree<double> state, Tensor<double> x, Labels labels)
    {
        var backprop = Mlp.Gradient(network, parameters, state, x, labels);
        var numerical = Mlp.NumericalGradient(network, parameters, state, x, labels);
        return backprop.Leaves.ToImmutableSortedDictionary(
            kv => kv.Key,
            kv => MeanAbsoluteDifference(kv.Value, numerical[kv.Key]),
            StringComparer.Ordinal);
    }

    /// <summary>mean |a − b| over the elements of two tensors of one shape.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static double MeanAbsoluteDifference(Tensor<double> a, Tensor<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Shape != b.Shape)
        {
            throw new ArgumentException($"GradientCheck.MeanAbsoluteDifference: shapes {a.Shape} and {b.Shape} differ.", nameof(b));
        }
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a.Span[i] - b.Span[i]);
        }
        return sum / a.Length;
    }
}
