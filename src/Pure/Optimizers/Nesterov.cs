using System.Numerics;
using Functional.Parameters;

namespace Functional.Optimizers;

/// <summary>
/// Nesterov's accelerated gradient (the book's common/optimizer.py, <c>Nesterov</c>) in update form: v ← β·v − lr·g;
/// u = β·β·v − (1 + β)·lr·g; W ← W + u. State: slot "velocity", v, shaped like the parameters.
/// </summary>
/// <remarks>
/// The book rounds W + β²v first and then subtracts (1 + β)·lr·g; as an update added once, u = β²v − (1 + β)·lr·g
/// rounds one operation differently, so the parameters differ from the book's order in the last bits. Runs recorded
/// before optimizers became transformations (which used the book's order) no longer replay: replay reports the first
/// step whose parameters differ.
/// </remarks>
/// <param name="Beta">β (the book's <c>momentum</c>), in [0, 1).</param>
public sealed record Nesterov(double Beta = 0.9) : Optimizer
{
    private static readonly string[] Slots = [Momentum.VelocitySlot];

    private readonly double _beta = OptimizerChecks.Fraction(nameof(Nesterov), nameof(Beta), Beta);

    /// <summary>β, the fraction of the velocity kept per step, in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1).</exception>
    public double Beta { get => _beta; init => _beta = OptimizerChecks.Fraction(nameof(Nesterov), nameof(Beta), value); }

    /// <summary>"nesterov".</summary>
    public override string Name => "nesterov";

    /// <summary>["velocity"].</summary>
    public override IReadOnlyList<string> SlotNames => Slots;

    /// <summary>Count 0 and a zero velocity.</summary>
    /// <exception cref="ArgumentException">There are no parameters.</exception>
    public override OptimizerState<T> Init<T>(ParamTree<T> parameters)
    {
        OptimizerChecks.Parameters("Nesterov.Init", parameters);
        return OptimizerState<T>.Of(0, (Momentum.VelocitySlot, OptimizerChecks.ZerosLike(parameters)));
    }

    /// <summary>v ← β·v − lr·g; u = (β·β)·v − ((1 + β)·lr)·g, elementwise.</summary>
    /// <inheritdoc/>
    public override (ParamTree<T> Updates, OptimizerState<T> State) ComputeUpdates<T>(
        ParamTree<T> gradient, OptimizerState<T> state, ParamTree<T> parameters, double learningRate)
    {
        OptimizerChecks.Update("Nesterov.Update", parameters, gradient, state, learningRate, Momentum.VelocitySlot);
        var betaSquared = Beta * Beta;
        var gradientScale = (1 + Beta) * learningRate;
        return OneBufferUpdate.Apply(gradient, state, Momentum.VelocitySlot, new Rule<T>(T.CreateTruncating(Beta), T.CreateTruncating(learningRate), T.CreateTruncating(betaSquared), T.CreateTruncating(gradientScale)));
    }

    // v ← β·v − lr·g; u = β²·v − (1 + β)·lr·g.
    private readonly struct Rule<T>(T beta, T learningRate, T betaSquared, T gradientScale) : IOneBufferRule<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public (T Update, T Buffer) Apply(T g, T b)
        {
            var v = (beta * b) - (learningRate * g);
            return ((betaSquared * v) - (gradientScale * g), v);
        }
    }
}
