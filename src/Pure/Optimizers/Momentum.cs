using Functional.Networks;
using Functional.Tensors;

namespace Functional.Optimizers;

/// <summary>
/// Momentum SGD (section 6.1.4, the book's <c>Momentum</c>): v ← β·v − lr·g; W ← W + v. State: slot "velocity", v,
/// shaped like the parameters.
/// </summary>
/// <param name="Beta">β (the book's <c>momentum</c>), the fraction of the velocity kept per step, in [0, 1).</param>
public sealed record Momentum(double Beta = 0.9) : Optimizer
{
    internal const string VelocitySlot = "velocity";

    private readonly double _beta = OptimizerChecks.Fraction(nameof(Momentum), nameof(Beta), Beta);

    /// <summary>β, the fraction of the velocity kept per step, in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1).</exception>
    public double Beta { get => _beta; init => _beta = OptimizerChecks.Fraction(nameof(Momentum), nameof(Beta), value); }

    /// <summary>"momentum".</summary>
    public override string Name => "momentum";

    /// <summary>Count 0 and a zero velocity.</summary>
    /// <exception cref="ArgumentException">There are no parameters.</exception>
    public override OptimizerState Init(ParamTree parameters)
    {
        OptimizerChecks.Parameters("Momentum.Init", parameters);
        return OptimizerState.Of(0, (VelocitySlot, OptimizerChecks.ZerosLike(parameters)));
    }

    /// <summary>v ← β·v − lr·g; W ← W + v, elementwise.</summary>
    /// <inheritdoc/>
    public override (ParamTree Parameters, OptimizerState State) Update(
        ParamTree parameters, ParamTree gradient, OptimizerState state, double learningRate)
    {
        OptimizerChecks.Update("Momentum.Update", parameters, gradient, state, learningRate, VelocitySlot);
        var velocity = state.Slots[VelocitySlot];
        var newParameters = new List<KeyValuePair<string, Tensor>>();
        var newVelocity = new List<KeyValuePair<string, Tensor>>();
        foreach (var (key, w) in parameters.Leaves)
        {
            double[] ws = w.Storage, gs = gradient[key].Storage, vs = velocity[key].Storage;
            double[] wOut = GC.AllocateUninitializedArray<double>(ws.Length), vOut = GC.AllocateUninitializedArray<double>(ws.Length);
            for (var i = 0; i < ws.Length; i++)
            {
                var v = (Beta * vs[i]) - (learningRate * gs[i]);
                vOut[i] = v;
                wOut[i] = ws[i] + v;
            }
            newParameters.Add(KeyValuePair.Create(key, new Tensor(w.Shape, wOut)));
            newVelocity.Add(KeyValuePair.Create(key, new Tensor(w.Shape, vOut)));
        }
        return (ParamTree.Of(newParameters), OptimizerState.Of(checked(state.Count + 1), (VelocitySlot, ParamTree.Of(newVelocity))));
    }
}
