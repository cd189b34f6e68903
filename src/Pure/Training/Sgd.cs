using Functional.Networks;
using Functional.Tensors;

namespace Functional.Training;

/// <summary>Plain stochastic gradient descent, the book's <c>params[key] -= learning_rate * grad[key]</c>, returning new parameters.</summary>
public static class Sgd
{
    /// <summary>p − lr·g for every parameter.</summary>
    /// <exception cref="ArgumentException">The gradient's names or shapes differ from the parameters'.</exception>
    public static ParamTree Update(ParamTree parameters, ParamTree gradient, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.Zip(gradient, (p, g) => new Tensor(p.Shape, Kernels.SubtractScaled(p.Storage, g.Storage, learningRate)));
    }
}
