using System.Numerics;
using Functional.Parameters;

namespace Functional.Optimizers;

/// <summary>
/// RMSprop (section 6.1.5, the book's <c>RMSprop</c>): h ← decay·h + (1 − decay)·g·g; W ← W − lr·g / (√h + ε).
/// State: slot "h", the moving average of squared gradients, shaped like the parameters.
/// </summary>
/// <param name="Decay">The fraction of h kept per step (the book's <c>decay_rate</c>), in [0, 1).</param>
/// <param name="Epsilon">ε, which keeps the division finite where h = 0; positive and finite (the book's 1e-7).</param>
public sealed record RmsProp(double Decay = 0.99, double Epsilon = 1e-7) : Optimizer
{
    private readonly double _decay = OptimizerChecks.Fraction(nameof(RmsProp), nameof(Decay), Decay);
    private readonly double _epsilon = OptimizerChecks.Positive(nameof(RmsProp), nameof(Epsilon), Epsilon);

    /// <summary>The fraction of h kept per step, in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1).</exception>
    public double Decay { get => _decay; init => _decay = OptimizerChecks.Fraction(nameof(RmsProp), nameof(Decay), value); }

    /// <summary>ε, positive and finite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not positive and finite.</exception>
    public double Epsilon { get => _epsilon; init => _epsilon = OptimizerChecks.Positive(nameof(RmsProp), nameof(Epsilon), value); }

    /// <summary>["h"].</summary>
    public override IReadOnlyList<string> SlotNames => Slots;

    private static readonly string[] Slots = [AdaGrad.SquaresSlot];

    /// <summary>"rmsprop".</summary>
    public override string Name => "rmsprop";

    /// <summary>Count 0 and h = 0.</summary>
    /// <exception cref="ArgumentException">There are no parameters.</exception>
    public override OptimizerState<T> Init<T>(ParamTree<T> parameters)
    {
        OptimizerChecks.Parameters("RmsProp.Init", parameters);
        return OptimizerState<T>.Of(0, (AdaGrad.SquaresSlot, OptimizerChecks.ZerosLike(parameters)));
    }

    /// <summary>h ← decay·h + ((1 − decay)·g)·g; u = −((lr·g) / (√h + ε)), elementwise (W + u rounds as W − (lr·g) / (√h + ε)).</summary>
    /// <inheritdoc/>
    public override (ParamTree<T> Updates, OptimizerState<T> State) ComputeUpdates<T>(
        ParamTree<T> gradient, OptimizerState<T> state, ParamTree<T> parameters, double learningRate)
    {
        OptimizerChecks.Update("RmsProp.Update", parameters, gradient, state, learningRate, AdaGrad.SquaresSlot);
        var fresh = 1 - Decay;
        return OneBufferUpdate.Apply(gradient, state, AdaGrad.SquaresSlot, new Rule<T>(T.CreateTruncating(Decay), T.CreateTruncating(fresh), T.CreateTruncating(learningRate), T.CreateTruncating(Epsilon)));
    }

    // h ← decay·h + (1 − decay)·g·g; W ← W − lr·g / (√h + ε).
    private readonly struct Rule<T>(T decay, T fresh, T learningRate, T epsilon) : IOneBufferRule<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public (T Update, T Buffer) Apply(T g, T b)
        {
            var h = (decay * b) + (fresh * g * g);
            return (-(learningRate * g / (T.Sqrt(h) + epsilon)), h);
        }
    }
}
