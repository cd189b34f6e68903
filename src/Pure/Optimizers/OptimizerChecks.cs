using System.Numerics;
using Functional.Parameters;
using Functional.Tensors;
using Functional.Validation;

namespace Functional.Optimizers;

/// <summary>Argument checks shared by the optimizers, schedules and transformations, and their small numeric helpers.</summary>
internal static class OptimizerChecks
{
    /// <summary>Checks a hyperparameter in [0, 1).</summary>
    public static double Fraction(string owner, string name, double value) => value is >= 0 and < 1
        ? value
        : throw new ArgumentOutOfRangeException(name, $"{owner}: {name} must be in [0, 1), got {value}.");

    /// <summary>Checks a positive, finite hyperparameter.</summary>
    public static double Positive(string owner, string name, double value) => value > 0 && double.IsFinite(value)
        ? value
        : throw new ArgumentOutOfRangeException(name, $"{owner}: {name} must be positive and finite, got {value}.");

    /// <summary>Checks a non-negative, finite hyperparameter.</summary>
    public static double NonNegative(string owner, string name, double value) => value >= 0 && double.IsFinite(value)
        ? value
        : throw new ArgumentOutOfRangeException(name, $"{owner}: {name} must be ≥ 0 and finite, got {value}.");

    /// <summary>Checks an integer hyperparameter against its least value.</summary>
    public static long AtLeast(string owner, string name, long value, long least) => value >= least
        ? value
        : throw new ArgumentOutOfRangeException(name, $"{owner}: {name} must be ≥ {least}, got {value}.");

    /// <summary>Checks a hyperparameter in (0, 1].</summary>
    public static double PositiveFraction(string owner, string name, double value) => value is > 0 and <= 1
        ? value
        : throw new ArgumentOutOfRangeException(name, $"{owner}: {name} must be in (0, 1], got {value}.");

    /// <summary>Checks a schedule's step index.</summary>
    public static void StepIndex(string operation, string name, long stepIndex)
    {
        if (stepIndex < 0)
        {
            throw new ArgumentOutOfRangeException(name, $"{operation}: {name} must be ≥ 0, got {stepIndex}.");
        }
    }

    /// <summary>Checks that there are parameters.</summary>
    public static void Parameters<T>(string operation, ParamTree<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Require.NotNull(operation, nameof(parameters), parameters);
        if (parameters.Leaves.IsEmpty)
        {
            throw new ArgumentException($"{operation}: parameters must hold at least one tensor, got none.", nameof(parameters));
        }
    }

    /// <summary>
    /// Checks an update's arguments: the gradient and each buffer of <paramref name="state"/> have the parameters'
    /// names and shapes, the state has exactly the slots <paramref name="slots"/> (in ordinal order), and the
    /// learning rate is positive and finite.
    /// </summary>
    public static void Update<T>(string operation, ParamTree<T> parameters, ParamTree<T> gradient, OptimizerState<T> state,
        double learningRate, params ReadOnlySpan<string> slots)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Parameters(operation, parameters);
        Require.NotNull(operation, nameof(gradient), gradient);
        Require.NotNull(operation, nameof(state), state);
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate),
                $"{operation}: learningRate must be positive and finite, got {learningRate}.");
        }
        parameters.RequireSameStructure($"{operation}: gradient", gradient);
        if (!state.Slots.Keys.SequenceEqual(slots.ToArray(), StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"{operation}: expected a state with slots {Describe(slots.ToArray())}, got {Describe(state.Slots.Keys)} (a state from another optimizer?).",
                nameof(state));
        }
        foreach (var (name, slot) in state.Slots)
        {
            parameters.RequireSameStructure($"{operation}: state slot '{name}'", slot);
        }
    }

    /// <summary>A tree of zeros with the names and shapes of <paramref name="parameters"/>.</summary>
    public static ParamTree<T> ZerosLike<T>(ParamTree<T> parameters)
        where T : unmanaged, IFloatingPointIeee754<T> => parameters.Map(static (_, t) => new Tensor<T>(t.Shape, new T[t.Length]));

    /// <summary>
    /// x^n for n ≥ 0 by repeated squaring: at most 2·log2(n) + 1 multiplications, each correctly rounded, so the result
    /// is the same on every machine (Math.Pow calls the platform's C library, whose results differ).
    /// </summary>
    public static double IntegerPower(double x, long n)
    {
        var result = 1.0;
        var square = x;
        while (n > 0)
        {
            if ((n & 1) != 0)
            {
                result *= square;
            }
            n >>= 1;
            if (n > 0)
            {
                square *= square;
            }
        }
        return result;
    }

    private static string Describe(IEnumerable<string> names)
    {
        var list = string.Join(", ", names);
        return list.Length == 0 ? "none" : list;
    }
}
