using Functional.Networks;
using Functional.Tensors;

namespace Functional.Optimizers;

/// <summary>
/// Nesterov's accelerated gradient in the book's form (common/optimizer.py, <c>Nesterov</c>): v ← β·v; v ← v − lr·g;
/// W ← W + β·β·v; W ← W − (1 + β)·lr·g. State: slot "velocity", v, shaped like the parameters.
/// </summary>
/// <param name="Beta">β (the book's <c>momentum</c>), in [0, 1).</param>
public sealed record Nesterov(double Beta = 0.9) : Optimizer
{
    private readonly double _beta = OptimizerChecks.Fraction(nameof(Nesterov), nameof(Beta), Beta);

    /// <summary>β, the fraction of the velocity kept per step, in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1).</exception>
    public double Beta { get => _beta; init => _beta = OptimizerChecks.Fraction(nameof(Nesterov), nameof(Beta), value); }

    /// <summary>"nesterov".</summary>
    public override string Name => "nesterov";

    /// <summary>Count 0 and a zero velocity.</summary>
    /// <exception cref="ArgumentException">There are no parameters.</exception>
    public override OptimizerState Init(ParamTree parameters)
    {
        OptimizerChecks.Parameters("Nesterov.Init", parameters);
        return OptimizerState.Of(0, (Momentum.VelocitySlot, OptimizerChecks.ZerosLike(parameters)));
    }

    /// <summary>v ← β·v − lr·g; W ← (W + (β·β)·v) − ((1 + β)·lr)·g, elementwise, rounded in the book's order.</summary>
    /// <inheritdoc/>
    public override (ParamTree Parameters, OptimizerState State) Update(
        ParamTree parameters, ParamTree gradient, OptimizerState state, double learningRate)
    {
        OptimizerChecks.Update("Nesterov.Update", parameters, gradient, state, learningRate, Momentum.VelocitySlot);
        var velocity = state.Slots[Momentum.VelocitySlot];
        var betaSquared = Beta * Beta;
        var gradientScale = (1 + Beta) * learningRate;
        var newParameters = new List<KeyValuePair<string, Tensor>>();
        var newVelocity = new List<KeyValuePair<string, Tensor>>();
        foreach (var (key, w) in parameters.Leaves)
        {
            double[] ws = w.Storage, gs = gradient[key].Storage, vs = velocity[key].Storage;
            double[] wOut = GC.AllocateUninitializedArray<double>(ws.Length), vOut = GC.AllocateUninitializedArray<double>(ws.Length);
            for (var i = 0; i < ws.Length; i++)
            {
                var g = gs[i];
                var v = (Beta * vs[i]) - (learningRate * g);
                vOut[i] = v;
                wOut[i] = (ws[i] + (betaSquared * v)) - (gradientScale * g);
            }
            newParameters.Add(KeyValuePair.Create(key, new Tensor(w.Shape, wOut)));
            newVelocity.Add(KeyValuePair.Create(key, new Tensor(w.Shape, vOut)));
        }
        return (ParamTree.Of(newParameters), OptimizerState.Of(checked(state.Count + 1), (Momentum.VelocitySlot, ParamTree.Of(newVelocity))));
    }
}
