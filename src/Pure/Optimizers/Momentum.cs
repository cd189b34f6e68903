using System.Numerics;
using Functional.Parameters;

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

    /// <summary>["velocity"].</summary>
    public override IReadOnlyList<string> SlotNames => Slots;

    private static readonly string[] Slots = [VelocitySlot];

    /// <summary>"momentum".</summary>
    public override string Name => "momentum";

    /// <summary>Count 0 and a zero velocity.</summary>
    /// <exception cref="ArgumentException">There are no parameters.</exception>
    public override OptimizerState<T> Init<T>(ParamTree<T> parameters)
    {
        OptimizerChecks.Parameters("Momentum.Init", parameters);
        return OptimizerState<T>.Of(0, (VelocitySlot, OptimizerChecks.ZerosLike(parameters)));
    }

    /// <summary>v ← β·v − lr·g; the update is v (W ← W + v), elementwise.</summary>
    /// <inheritdoc/>
    public override (ParamTree<T> Updates, OptimizerState<T> State) ComputeUpdates<T>(
        ParamTree<T> gradient, OptimizerState<T> state, ParamTree<T> parameters, double learningRate)
    {
        OptimizerChecks.Update("Momentum.Update", parameters, gradient, state, learningRate, VelocitySlot);
        return OneBufferUpdate.Apply(gradient, state, VelocitySlot, new Rule<T>(T.CreateTruncating(Beta), T.CreateTruncating(learningRate)));
    }

    // v ← β·v − lr·g; W ← W + v.
    private readonly struct Rule<T>(T beta, T learningRate) : IOneBufferRule<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public (T Update, T Buffer) Apply(T g, T b)
        {
            var v = (beta * b) - (learningRate * g);
            return (v, v);
        }
    }
}
