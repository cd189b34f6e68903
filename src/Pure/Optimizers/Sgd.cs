using Functional.Kernels;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Optimizers;

/// <summary>Plain stochastic gradient descent, the book's <c>params[key] -= learning_rate * grad[key]</c>, returning new parameters.</summary>
public static class Sgd
{
    /// <summary>p − lr·g for every parameter.</summary>
    /// <exception cref="ArgumentException">The gradient's names or shapes differ from the parameters'.</exception>
    public static ParamTree Update(ParamTree parameters, ParamTree gradient, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.Zip(gradient, Updated);

        Tensor<double> Updated(Tensor<double> p, Tensor<double> g) => Sgd.Updated(p, g, learningRate);
    }

    /// <summary>p − lr·g, elementwise: a multiply, then a subtraction.</summary>
    internal static Tensor<double> Updated(Tensor<double> p, Tensor<double> g, double learningRate) =>
        new(p.Shape, MatrixKernels.SubtractScaled(p.Storage, g.Storage, learningRate));
}
