using CsCheck;
using Functional.Rng;
using Functional.Composition;
using Functional.Tensors;
using Functional.Training;

namespace Functional.Facade.Verification;

/// <summary>
/// How <see cref="LayerCheck"/> draws its cases and how closely Backward must agree with finite differences.
/// Every property has a default, so <c>new LayerCheckOptions()</c> (or passing none) checks 100 cases of rank 1–3,
/// dims 1–6 and values in [−4, 4], the same as the library's own property tests. For a <see cref="RuleUnderTest"/>
/// with its own sizes, <see cref="MaxDim"/> bounds each size and the rank options do not apply. The options are checked when
/// they reach <see cref="LayerCheck"/>'s Verify or Assert, which throw an <see cref="ArgumentOutOfRangeException"/>
/// whose <see cref="ArgumentException.ParamName"/> is the offending option's name.
/// </summary>
public sealed record LayerCheckOptions
{
    /// <summary>The seed used when none is given, so that two runs of the same check draw the same cases.</summary>
    public const ulong DefaultSeed = 0x4C61_7965_7243_6B31;   // "LayerCk1" in ASCII

    /// <summary>The largest rank <see cref="MinRank"/> and <see cref="MaxRank"/> may ask for.</summary>
    public const int RankLimit = 8;

    /// <summary>The most elements a drawn input may have: <see cref="MaxDim"/>^<see cref="MaxRank"/> must not exceed it.</summary>
    public const int ElementLimit = 1 << 20;

    /// <summary>The largest |<see cref="ValueRange"/>| bound, so that every value k/64 is exact in float64.</summary>
    public const double ValueLimit = 1e12;

    /// <summary>
    /// The seed of the whole check. Case i is drawn by CsCheck from the PCG stream i of this seed alone, and its
    /// shrinking continues that stream, so a failure is replayed, shrinking included, by the same seed and
    /// <see cref="OnlyCase"/> = i. Default <see cref="DefaultSeed"/>.
    /// </summary>
    public ulong Seed { get; init; } = DefaultSeed;

    /// <summary>
    /// How many random cases to check, case indices 0 to Runs − 1. At least 1, or 0 to check only the
    /// <see cref="Points"/>; default 100.
    /// </summary>
    public int Runs { get; init; } = 100;

    /// <summary>
    /// When set, checks only the case with this index (and ignores <see cref="Runs"/>): a failure's
    /// <see cref="LayerCheckFailure.CaseIndex"/> with its <see cref="LayerCheckFailure.Seed"/> reproduces it,
    /// shrinking included. Non-negative; default null.
    /// </summary>
    public int? OnlyCase { get; init; }

    /// <summary>
    /// When set, checks only the one case this CsCheck seed string draws — a failure's
    /// <see cref="LayerCheckFailure.CaseSeed"/>, which replays the shrunk case directly, without drawing or shrinking
    /// anything else. Keep the other options (the shapes and values they allow) as they were. Default null.
    /// </summary>
    public string? Replay { get; init; }

    /// <summary>
    /// Argument lists of your choosing, checked in order before the random cases (with <see cref="Runs"/> = 0,
    /// instead of them): one tensor per argument of the rule (a single tensor for a single-input layer). They are
    /// not filtered or shrunk; a failure names the point's index. Default null.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<Tensor<double>>>? Points { get; init; }

    /// <summary>The smallest rank of a drawn input, 0 (a scalar) to <see cref="RankLimit"/>; default 1. Shrinking never goes below it.</summary>
    public int MinRank { get; init; } = 1;

    /// <summary>The largest rank of a drawn input, <see cref="MinRank"/> to <see cref="RankLimit"/>; default 3.</summary>
    public int MaxRank { get; init; } = 3;

    /// <summary>Each dimension of a drawn input is uniform in 1 to MaxDim; at least 1, default 6.</summary>
    public int MaxDim { get; init; } = 6;

    /// <summary>
    /// Draws the input's shape from a key, replacing <see cref="MinRank"/>, <see cref="MaxRank"/> and
    /// <see cref="MaxDim"/>, for layers that accept only some shapes (e.g. rank 2 with 3 columns). Every dimension
    /// must be positive. With a shape generator, shrinking keeps the failing case's shape and shrinks only its values.
    /// </summary>
    public Func<RngKey, int[]>? Shape { get; init; }

    /// <summary>
    /// Input values are k/64 for integers k, uniform over those in [Low, High], so each prints exactly and short.
    /// Both bounds finite, |bound| ≤ <see cref="ValueLimit"/>, Low ≤ High, and at least one k/64 between them;
    /// default (−4, 4). Shrinking keeps values inside the range.
    /// </summary>
    public (double Low, double High) ValueRange { get; init; } = (-4.0, 4.0);

    /// <summary>
    /// Keeps only the input values it returns true for; the others are drawn again. Use it to stay away from
    /// points where the layer has no derivative, e.g. <c>x =&gt; Math.Abs(x) &gt;= 1.0 / 64</c> for ReLU, so that
    /// x ± <see cref="Step"/> never crosses the kink. Shrinking keeps values it accepts. Default null: all values.
    /// </summary>
    public Func<double, bool>? InputFilter { get; init; }

    /// <summary>
    /// The element type an <see cref="ILayer"/> is run in (<see cref="LayerCheck.Verify(ILayer, Shape, LayerCheckOptions?, Func{IReadOnlyList{Tensor{double}}, bool}?, LayerState{double}?)"/>):
    /// the drawn points are rounded to it, and its outputs and gradients widened back, exactly. Default float64; for
    /// float32 start from <see cref="SinglePrecision"/>, whose step and tolerances fit float32's rounding.
    /// </summary>
    public Precision Precision { get; init; } = Precision.Float64;

    /// <summary>
    /// Options for a layer run in float32 (ε = 6e-8): a step of 1e-2 keeps the rounding error of a difference near
    /// ε·scale/h ≈ 1e-5·scale (the points, rounded to float32, also move by up to ε·|x| ≈ 2.4e-7, 2.4e-5 of h), and the
    /// truncation error h²/6·|f‴| ≈ 1.7e-5·|f‴| stays small for bounded third derivatives; 1e-3 relative and
    /// 1e-4·(1 + scale) absolute leave a margin of ten, while a wrong Backward misses by far more.
    /// </summary>
    public static LayerCheckOptions SinglePrecision { get; } = new() { Precision = Precision.Float32, Step = 1e-2, RelativeTolerance = 1e-3, AbsoluteTolerance = 1e-4 };

    /// <summary>The central-difference step h: positive and finite, default 1e-5 (see <see cref="LayerCheck"/> for why).</summary>
    public double Step { get; init; } = 1e-5;

    /// <summary>The relative part of the finite-difference tolerance: non-negative and finite, default 1e-6.</summary>
    public double RelativeTolerance { get; init; } = 1e-6;

    /// <summary>The absolute part of the finite-difference tolerance, scaled by 1 + the size of the terms differenced: non-negative and finite, default 1e-9.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-9;

    /// <summary>
    /// How many more cases CsCheck may draw after the first failure, looking for a smaller one that fails the same
    /// property (smaller by CsCheck's size: fewer elements, then values with fewer binary places, then nearer 0); the
    /// smallest is reported. Draws larger than the current failure are discarded unchecked, so they cost little.
    /// 0 reports the case unshrunk. Default 4000.
    /// </summary>
    public int ShrinkBudget { get; init; } = 4000;

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first option out of its range.</summary>
    internal void Validate()
    {
        Check(Runs >= 1 || (Runs == 0 && Points is { Count: > 0 }), nameof(Runs), Runs, "must be at least 1 (or 0 with Points)");
        Check(OnlyCase is null or >= 0, nameof(OnlyCase), OnlyCase, "must be null or non-negative");
        Check(Enum.IsDefined(Precision), nameof(Precision), Precision, "must be Float64 or Float32");
        Check(MinRank is >= 0 and <= RankLimit, nameof(MinRank), MinRank, $"must be between 0 and {RankLimit}");
        Check(MaxRank >= MinRank && MaxRank <= RankLimit, nameof(MaxRank), MaxRank, $"must be between MinRank ({MinRank}) and {RankLimit}");
        Check(MaxDim >= 1 && Math.Pow(MaxDim, MaxRank) <= ElementLimit, nameof(MaxDim), MaxDim,
            $"must be at least 1, with MaxDim^MaxRank (MaxRank {MaxRank}) at most {ElementLimit} elements");
        var (low, high) = ValueRange;
        Check(double.IsFinite(low) && double.IsFinite(high) && Math.Abs(low) <= ValueLimit && Math.Abs(high) <= ValueLimit
              && low <= high && Math.Ceiling(low * 64) <= Math.Floor(high * 64),
            nameof(ValueRange), ValueRange, $"must have finite bounds within ±{ValueLimit:R}, Low ≤ High, and hold at least one multiple of 1/64");
        Check(double.IsFinite(Step) && Step > 0, nameof(Step), Step, "must be positive and finite");
        Check(double.IsFinite(RelativeTolerance) && RelativeTolerance >= 0, nameof(RelativeTolerance), RelativeTolerance, "must be non-negative and finite");
        Check(double.IsFinite(AbsoluteTolerance) && AbsoluteTolerance >= 0, nameof(AbsoluteTolerance), AbsoluteTolerance, "must be non-negative and finite");
        Check(ShrinkBudget >= 0, nameof(ShrinkBudget), ShrinkBudget, "must be non-negative");
        Check(Replay is null || Parses(Replay), nameof(Replay), Replay, "must be null or a CsCheck seed string from LayerCheckFailure.CaseSeed");
    }

    private static bool Parses(string seed)
    {
        try
        {
            PCG.Parse(seed);
            return true;
        }
        catch (Exception e) when (e is CsCheckException or FormatException or IndexOutOfRangeException or ArgumentException or OverflowException)
        {
            return false;
        }
    }

    private static void Check(bool valid, string option, object? value, string requirement)
    {
        if (!valid)
        {
            throw new ArgumentOutOfRangeException(option, value, $"LayerCheckOptions.{option} {requirement}, got {value}.");
        }
    }
}
