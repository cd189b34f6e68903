using System.Numerics;
using Functional.Kernels;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Optimizers;

/// <summary>Plain stochastic gradient descent, the book's <c>params[key] -= learning_rate * grad[key]</c>, returning new parameters.</summary>
public static class Sgd
{
    /// <summary>p − lr·g for every parameter.</summary>
    /// <exception cref="ArgumentException">The gradient's names or shapes differ from the parameters'.</exception>
    public static ParamTree<T> Update<T>(ParamTree<T> parameters, ParamTree<T> gradient, double learningRate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.Zip(gradient, Updated);

        Tensor<T> Updated(Tensor<T> p, Tensor<T> g) => Sgd.Updated(p, g, learningRate);
    }

    /// <summary>p − lr·g, elementwise: a multiply, then a subtraction.</summary>
    internal static Tensor<T> Updated<T>(Tensor<T> p, Tensor<T> g, double learningRate)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new(p.Shape, MatrixKernels.SubtractScaled(p.Storage, g.Storage, T.CreateTruncating(learningRate)));
}
