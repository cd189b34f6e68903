using System.Numerics;
using Functional.Parameters;

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
    public override OptimizerState<T> Init<T>(ParamTree<T> parameters)
    {
        OptimizerChecks.Parameters("Nesterov.Init", parameters);
        return OptimizerState<T>.Of(0, (Momentum.VelocitySlot, OptimizerChecks.ZerosLike(parameters)));
    }

    /// <summary>v ← β·v − lr·g; W ← (W + (β·β)·v) − ((1 + β)·lr)·g, elementwise, rounded in the book's order.</summary>
    /// <inheritdoc/>
    public override (ParamTree<T> Parameters, OptimizerState<T> State) Update<T>(
        ParamTree<T> parameters, ParamTree<T> gradient, OptimizerState<T> state, double learningRate)
    {
        OptimizerChecks.Update("Nesterov.Update", parameters, gradient, state, learningRate, Momentum.VelocitySlot);
        var betaSquared = Beta * Beta;
        var gradientScale = (1 + Beta) * learningRate;
        return OneBufferUpdate.Apply(parameters, gradient, state, Momentum.VelocitySlot, new Rule<T>(T.CreateTruncating(Beta), T.CreateTruncating(learningRate), T.CreateTruncating(betaSquared), T.CreateTruncating(gradientScale)));
    }

    // The book's form: v ← β·v − lr·g; W ← W + β²·v − (1 + β)·lr·g.
    private readonly struct Rule<T>(T beta, T learningRate, T betaSquared, T gradientScale) : IOneBufferRule<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public (T Weight, T Buffer) Apply(T w, T g, T b)
        {
            var v = (beta * b) - (learningRate * g);
            return ((w + (betaSquared * v)) - (gradientScale * g), v);
        }
    }
}
