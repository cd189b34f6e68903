using System.Numerics;
using Functional.Parameters;

namespace Functional.Optimizers;

/// <summary>
/// AdaGrad (section 6.1.5, the book's <c>AdaGrad</c>): h ← h + g·g; W ← W − lr·g / (√h + ε). State: slot "h", the
/// running sum of squared gradients, shaped like the parameters.
/// </summary>
/// <param name="Epsilon">ε, which keeps the division finite where h = 0; positive and finite (the book's 1e-7).</param>
public sealed record AdaGrad(double Epsilon = 1e-7) : Optimizer
{
    internal const string SquaresSlot = "h";

    private readonly double _epsilon = OptimizerChecks.Positive(nameof(AdaGrad), nameof(Epsilon), Epsilon);

    /// <summary>ε, positive and finite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not positive and finite.</exception>
    public double Epsilon { get => _epsilon; init => _epsilon = OptimizerChecks.Positive(nameof(AdaGrad), nameof(Epsilon), value); }

    /// <summary>"adagrad".</summary>
    public override string Name => "adagrad";

    /// <summary>Count 0 and h = 0.</summary>
    /// <exception cref="ArgumentException">There are no parameters.</exception>
    public override OptimizerState<T> Init<T>(ParamTree<T> parameters)
    {
        OptimizerChecks.Parameters("AdaGrad.Init", parameters);
        return OptimizerState<T>.Of(0, (SquaresSlot, OptimizerChecks.ZerosLike(parameters)));
    }

    /// <summary>h ← h + g·g; W ← W − (lr·g) / (√h + ε), elementwise.</summary>
    /// <inheritdoc/>
    public override (ParamTree<T> Parameters, OptimizerState<T> State) Update<T>(
        ParamTree<T> parameters, ParamTree<T> gradient, OptimizerState<T> state, double learningRate)
    {
        OptimizerChecks.Update("AdaGrad.Update", parameters, gradient, state, learningRate, SquaresSlot);
        return OneBufferUpdate.Apply(parameters, gradient, state, SquaresSlot, new Rule<T>(T.CreateTruncating(learningRate), T.CreateTruncating(Epsilon)));
    }

    // h ← h + g·g; W ← W − lr·g / (√h + ε).
    private readonly struct Rule<T>(T learningRate, T epsilon) : IOneBufferRule<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public (T Weight, T Buffer) Apply(T w, T g, T b)
        {
            var h = b + (g * g);
            return (w - (learningRate * g / (T.Sqrt(h) + epsilon)), h);
        }
    }
}
