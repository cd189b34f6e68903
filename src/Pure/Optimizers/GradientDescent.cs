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

    /// <summary>u = −(lr·g), elementwise: a multiply, negated; W + u is bit-identical to <see cref="Sgd"/>'s W − lr·g.</summary>
    /// <inheritdoc/>
    public override (ParamTree<T> Updates, OptimizerState<T> State) ComputeUpdates<T>(
        ParamTree<T> gradient, OptimizerState<T> state, ParamTree<T> parameters, double learningRate)
    {
        OptimizerChecks.Update("GradientDescent.Update", parameters, gradient, state, learningRate);
        var rate = T.CreateTruncating(learningRate);
        var updates = gradient.Map((_, g) =>
        {
            var gs = g.Storage;
            var result = GC.AllocateUninitializedArray<T>(gs.Length);
            for (var i = 0; i < gs.Length; i++)
            {
                result[i] = -(rate * gs[i]);
            }
            return new Tensor<T>(g.Shape, result);
        });
        return (updates, state with { Count = checked(state.Count + 1) });
    }
}
