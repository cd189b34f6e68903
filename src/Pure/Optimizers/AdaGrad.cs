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

    /// <summary>["h"].</summary>
    public override IReadOnlyList<string> SlotNames => Slots;

    private static readonly string[] Slots = [SquaresSlot];

    /// <summary>"adagrad".</summary>
    public override string Name => "adagrad";

    /// <summary>Count 0 and h = 0.</summary>
    /// <exception cref="ArgumentException">There are no parameters.</exception>
    public override OptimizerState<T> Init<T>(ParamTree<T> parameters)
    {
        OptimizerChecks.Parameters("AdaGrad.Init", parameters);
        return OptimizerState<T>.Of(0, (SquaresSlot, OptimizerChecks.ZerosLike(parameters)));
    }

    /// <summary>h ← h + g·g; u = −((lr·g) / (√h + ε)), elementwise (W + u rounds as W − (lr·g) / (√h + ε)).</summary>
    /// <inheritdoc/>
    public override (ParamTree<T> Updates, OptimizerState<T> State) ComputeUpdates<T>(
        ParamTree<T> gradient, OptimizerState<T> state, ParamTree<T> parameters, double learningRate)
    {
        OptimizerChecks.Update("AdaGrad.Update", parameters, gradient, state, learningRate, SquaresSlot);
        return OneBufferUpdate.Apply(gradient, state, SquaresSlot, new Rule<T>(T.CreateTruncating(learningRate), T.CreateTruncating(Epsilon)));
    }

    // h ← h + g·g; W ← W − lr·g / (√h + ε).
    private readonly struct Rule<T>(T learningRate, T epsilon) : IOneBufferRule<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public (T Update, T Buffer) Apply(T g, T b)
        {
            var h = b + (g * g);
            return (-(learningRate * g / (T.Sqrt(h) + epsilon)), h);
        }
    }
}
