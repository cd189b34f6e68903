using Functional.Kernels;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Optimizers;

/// <summary>Plain stochastic gradient descent (section 6.1.2, the book's <c>SGD</c>): W ← W − lr·g. It keeps no buffers.</summary>
public sealed record GradientDescent : Optimizer
{
    /// <summary>"sgd".</summary>
    public override string Name => "sgd";

    /// <summary><see cref="OptimizerState{T}.Empty"/>: SGD keeps no buffers.</summary>
    /// <exception cref="ArgumentException">There are no parameters.</exception>
    public override OptimizerState<T> Init<T>(ParamTree<T> parameters)
    {
        OptimizerChecks.Parameters("GradientDescent.Init", parameters);
        return OptimizerState<T>.Empty;
    }

    /// <summary>W ← W − lr·g, elementwise: a multiply, then a subtraction (bit-identical to <see cref="Sgd"/>).</summary>
    /// <inheritdoc/>
    public override (ParamTree<T> Parameters, OptimizerState<T> State) Update<T>(
        ParamTree<T> parameters, ParamTree<T> gradient, OptimizerState<T> state, double learningRate)
    {
        OptimizerChecks.Update("GradientDescent.Update", parameters, gradient, state, learningRate);
        var updated = parameters.Zip(gradient, (w, g) => new Tensor<T>(w.Shape, MatrixKernels.SubtractScaled(w.Storage, g.Storage, T.CreateTruncating(learningRate))));
        return (updated, state with { Count = checked(state.Count + 1) });
    }
}
