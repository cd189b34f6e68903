using System.Numerics;
using System.Runtime.Intrinsics;
using Functional.Parallelism;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Optimizers;

/// <summary>
/// Adam (section 6.1.6, the book's <c>Adam</c>, Kingma and Ba 2015) with its bias correction folded into the rate:
/// t ← t + 1; lr_t = lr·√(1 − β2^t) / (1 − β1^t); m ← m + (1 − β1)(g − m); v ← v + (1 − β2)(g² − v);
/// u = −(lr_t·m / (√v + ε)), W ← W + u. State: the count t, and slots "m" and "v" (the moving averages of g and g²) shaped
/// like the parameters.
/// </summary>
/// <param name="Beta1">β1, the fraction of m kept per step, in [0, 1).</param>
/// <param name="Beta2">β2, the fraction of v kept per step, in [0, 1).</param>
/// <param name="Epsilon">ε, which keeps the division finite where v = 0; positive and finite (the book's 1e-7).</param>
public sealed record Adam(double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-7) : Optimizer
{
    private const string MeanSlot = "m";
    private const string SquaresSlot = "v";

    private static readonly string[] Slots = [MeanSlot, SquaresSlot];

    private readonly double _beta1 = OptimizerChecks.Fraction(nameof(Adam), nameof(Beta1), Beta1);
    private readonly double _beta2 = OptimizerChecks.Fraction(nameof(Adam), nameof(Beta2), Beta2);
    private readonly double _epsilon = OptimizerChecks.Positive(nameof(Adam), nameof(Epsilon), Epsilon);

    /// <summary>β1, the fraction of m kept per step, in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1).</exception>
    public double Beta1 { get => _beta1; init => _beta1 = OptimizerChecks.Fraction(nameof(Adam), nameof(Beta1), value); }

    /// <summary>β2, the fraction of v kept per step, in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set outside [0, 1).</exception>
    public double Beta2 { get => _beta2; init => _beta2 = OptimizerChecks.Fraction(nameof(Adam), nameof(Beta2), value); }

    /// <summary>ε, positive and finite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value that is not positive and finite.</exception>
    public double Epsilon { get => _epsilon; init => _epsilon = OptimizerChecks.Positive(nameof(Adam), nameof(Epsilon), value); }

    /// <summary>["m", "v"].</summary>
    public override IReadOnlyList<string> SlotNames => Slots;

    /// <summary>"adam".</summary>
    public override string Name => "adam";

    /// <summary>Count 0, m = 0 and v = 0.</summary>
    /// <exception cref="ArgumentException">There are no parameters.</exception>
    public override OptimizerState<T> Init<T>(ParamTree<T> parameters)
    {
        OptimizerChecks.Parameters("Adam.Init", parameters);
        var zeros = OptimizerChecks.ZerosLike(parameters);
        return OptimizerState<T>.Of(0, (MeanSlot, zeros), (SquaresSlot, zeros));
    }

    /// <summary>
    /// Step t = count + 1: lr_t = (lr·√(1 − β2^t)) / (1 − β1^t), with β^t by repeated squaring; then elementwise
    /// m ← m + (1 − β1)·(g − m), v ← v + (1 − β2)·(g·g − v), u = −((lr_t·m) / (√v + ε)), so W + u rounds as W − (lr_t·m) / (√v + ε).
    /// </summary>
    /// <inheritdoc/>
    public override (ParamTree<T> Updates, OptimizerState<T> State) ComputeUpdates<T>(
        ParamTree<T> gradient, OptimizerState<T> state, ParamTree<T> parameters, double learningRate)
    {
        OptimizerChecks.Update("Adam.Update", parameters, gradient, state, learningRate, MeanSlot, SquaresSlot);
        var (means, squares) = (state.Slots[MeanSlot], state.Slots[SquaresSlot]);
        var t = checked(state.Count + 1);
        var rate = T.CreateTruncating(learningRate * Math.Sqrt(1.0 - OptimizerChecks.IntegerPower(Beta2, t)) / (1.0 - OptimizerChecks.IntegerPower(Beta1, t)));
        var (meanStep, squareStep, epsilon) = (T.CreateTruncating(1 - Beta1), T.CreateTruncating(1 - Beta2), T.CreateTruncating(Epsilon));
        var updates = new List<KeyValuePair<string, Tensor<T>>>();
        var newMeans = new List<KeyValuePair<string, Tensor<T>>>();
        var newSquares = new List<KeyValuePair<string, Tensor<T>>>();
        foreach (var (key, g) in gradient.Leaves)
        {
            T[] gs = g.Storage, ms = means[key].Storage, vs = squares[key].Storage;
            var uOut = GC.AllocateUninitializedArray<T>(gs.Length);
            var mOut = GC.AllocateUninitializedArray<T>(gs.Length);
            var vOut = GC.AllocateUninitializedArray<T>(gs.Length);
            Step(gs, ms, vs, uOut, mOut, vOut, rate, meanStep, squareStep, epsilon);
            updates.Add(KeyValuePair.Create(key, new Tensor<T>(g.Shape, uOut)));
            newMeans.Add(KeyValuePair.Create(key, new Tensor<T>(g.Shape, mOut)));
            newSquares.Add(KeyValuePair.Create(key, new Tensor<T>(g.Shape, vOut)));
        }
        return (ParamTree<T>.Of(updates),
            OptimizerState<T>.Of(t, (MeanSlot, ParamTree<T>.Of(newMeans)), (SquaresSlot, ParamTree<T>.Of(newSquares))));
    }

    // The update of every element, in vectors where the hardware has them: each lane does the scalar loop's
    // operations in its order (+, −, ×, ÷ and √ are correctly rounded either way), so the bits are the same. Large
    // arrays are split in halves across two threads by index, which changes who computes an element, never how.
    private static void Step<T>(T[] gs, T[] ms, T[] vs, T[] uOut, T[] mOut, T[] vOut,
        T rate, T meanStep, T squareStep, T epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (gs.Length >= 1 << 15 && Environment.ProcessorCount > 1)
        {
            var half = gs.Length / 2 / 8 * 8;
            Fork.Invoke(
                () => Step(gs, ms, vs, uOut, mOut, vOut, rate, meanStep, squareStep, epsilon, 0, half),
                () => Step(gs, ms, vs, uOut, mOut, vOut, rate, meanStep, squareStep, epsilon, half, gs.Length));
            return;
        }
        Step(gs, ms, vs, uOut, mOut, vOut, rate, meanStep, squareStep, epsilon, 0, gs.Length);
    }

    private static void Step<T>(T[] gs, T[] ms, T[] vs, T[] uOut, T[] mOut, T[] vOut,
        T rate, T meanStep, T squareStep, T epsilon, int start, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var i = start;
        if (Vector256.IsHardwareAccelerated)
        {
            var (r, a, b, e) = (Vector256.Create(rate), Vector256.Create(meanStep), Vector256.Create(squareStep), Vector256.Create(epsilon));
            for (var lanes = Vector256<T>.Count; i + lanes <= end; i += lanes)
            {
                var g = Vector256.Create(gs.AsSpan(i, lanes));
                var m0 = Vector256.Create(ms.AsSpan(i, lanes));
                var v0 = Vector256.Create(vs.AsSpan(i, lanes));
                var m = m0 + (a * (g - m0));
                var v = v0 + (b * ((g * g) - v0));
                m.CopyTo(mOut.AsSpan(i, lanes));
                v.CopyTo(vOut.AsSpan(i, lanes));
                (-(r * m / (Vector256.Sqrt(v) + e))).CopyTo(uOut.AsSpan(i, lanes));
            }
        }
        for (; i < end; i++)
        {
            var g = gs[i];
            var m = ms[i] + (meanStep * (g - ms[i]));
            var v = vs[i] + (squareStep * ((g * g) - vs[i]));
            mOut[i] = m;
            vOut[i] = v;
            uOut[i] = -(rate * m / (T.Sqrt(v) + epsilon));
        }
    }
}
