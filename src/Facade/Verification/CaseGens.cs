using CsCheck;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Facade.Verification;

/// <summary>One drawn case: the sizes, the arguments built from them, and the seed of the properties' random directions.</summary>
internal sealed record DrawnCase(int[] Dimensions, Tensor<double>[] Arguments, ulong CheckSeed)
{
    public RngKey CheckKey => RngKey.FromSeed(CheckSeed);
}

/// <summary>
/// The CsCheck generator of a rule's cases. Sizes come first, then each argument's values, so CsCheck's size order
/// (which shrinking follows: draw more cases, keep the smallest failing one) prefers fewer elements, then simpler values.
/// </summary>
internal static class CaseGens
{
    /// <summary>Values are multiples of 1/Grid, so they print exactly and in few digits.</summary>
    public const double Grid = 64;

    private const int FilterAttempts = 1000;

    public static Gen<DrawnCase> For(RuleUnderTest rule, LayerCheckOptions options)
    {
        var arguments =
            from dims in Dimensions(rule, options)
            from args in Arguments(rule, options, dims)
            select (dims, args);
        if (rule.Filter is { } filter)
        {
            arguments = arguments.Where(c => filter(c.args));
        }
        return from c in arguments
               from seed in new CheckSeedGen()
               select new DrawnCase(c.dims, c.args, seed);
    }

    private static Gen<int[]> Dimensions(RuleUnderTest rule, LayerCheckOptions options) =>
        rule.Dimensions >= 0 ? Gen.Int[1, options.MaxDim].Array[rule.Dimensions]
        : options.Shape is { } shape ? new ShapeFromKeyGen(shape)
        : from rank in Gen.Int[options.MinRank, options.MaxRank]
          from dims in Gen.Int[1, options.MaxDim].Array[rank]
          select dims;

    private static Gen<Tensor<double>[]> Arguments(RuleUnderTest rule, LayerCheckOptions options, int[] dims)
    {
        Gen<Tensor<double>[]> all = Gen.Const(Array.Empty<Tensor<double>>());
        foreach (var argument in rule.Arguments)
        {
            var shape = ShapeOf(argument, dims);
            var values = new GridValueGen(argument.ValueRange ?? options.ValueRange, argument.Filter ?? options.InputFilter, argument.Name);
            all = from previous in all
                  from data in values.Array[Length(shape)]
                  select (Tensor<double>[])[.. previous, Tensor.FromArray(data, shape)];
        }
        return all;
    }

    private static int[] ShapeOf(RuleArgument argument, int[] dims)
    {
        var shape = argument.Shape(Array.AsReadOnly(dims));
        if (shape is null || shape.Any(d => d < 1) || Length(shape) > LayerCheckOptions.ElementLimit)
        {
            var shown = shape is null ? "null" : "[" + string.Join(", ", shape) + "]";
            throw new ArgumentException(
                $"LayerCheck: the shape of argument {argument.Name} for sizes [{string.Join(", ", dims)}] is {shown}: expected positive dimensions and at most {LayerCheckOptions.ElementLimit} elements.",
                nameof(argument));
        }
        return [.. shape];
    }

    private static int Length(int[] shape) => (int)Math.Min(shape.Aggregate(1L, (a, d) => a * Math.Max(d, 0)), int.MaxValue);

    /// <summary>The fewest binary places p with x·2ᵖ an integer, for multiples of 1/64 (0 to 6).</summary>
    public static int Places(long k)
    {
        if (k == 0)
        {
            return 0;
        }
        var places = 6;
        while (places > 0 && k % 2 == 0)
        {
            k /= 2;
            places--;
        }
        return places;
    }

    /// <summary>
    /// k/64 uniform over a range, redrawn while the filter rejects it. Its CsCheck size orders values by fewer binary
    /// places, then smaller magnitude, then non-negative first, so shrinking ends at short values such as 1 or 0.5.
    /// </summary>
    private sealed class GridValueGen((double Low, double High) range, Func<double, bool>? filter, string argument) : Gen<double>
    {
        private readonly long _low = (long)Math.Ceiling(range.Low * Grid);
        private readonly long _count = (long)Math.Floor(range.High * Grid) - (long)Math.Ceiling(range.Low * Grid) + 1;

        public override double Generate(PCG pcg, Size? min, out Size size)
        {
            for (var attempt = 0; attempt < FilterAttempts; attempt++)
            {
                var k = _low + (long)pcg.Next64((ulong)_count);
                var x = k / Grid;
                if (filter?.Invoke(x) ?? true)
                {
                    size = new Size(((ulong)Places(k) << 48) | ((ulong)Math.Abs(k) << 1) | (k < 0 ? 1UL : 0UL));
                    return x;
                }
            }
            throw new ArgumentException(
                $"LayerCheck: the value filter of argument {argument} rejected {FilterAttempts} values in a row from the range [{range.Low}, {range.High}]: widen the range or loosen the filter.",
                nameof(pcg));
        }
    }

    /// <summary>A shape from <see cref="LayerCheckOptions.Shape"/>, sized by its element count so shrinking prefers small ones.</summary>
    private sealed class ShapeFromKeyGen(Func<RngKey, int[]> shape) : Gen<int[]>
    {
        public override int[] Generate(PCG pcg, Size? min, out Size size)
        {
            var drawn = shape(RngKey.FromSeed(pcg.Next64()));
            if (drawn is null || drawn.Any(d => d < 1) || Length(drawn) > LayerCheckOptions.ElementLimit)
            {
                var shown = drawn is null ? "null" : "[" + string.Join(", ", drawn) + "]";
                throw new ArgumentException(
                    $"LayerCheckOptions.Shape returned {shown}: expected positive dimensions and at most {LayerCheckOptions.ElementLimit} elements.",
                    nameof(pcg));
            }
            size = new Size((ulong)Length(drawn));
            return [.. drawn];
        }
    }

    /// <summary>The seed of a case's random directions; of size 0, since no seed is simpler than another.</summary>
    private sealed class CheckSeedGen : Gen<ulong>
    {
        public override ulong Generate(PCG pcg, Size? min, out Size size)
        {
            size = new Size(0);
            return pcg.Next64();
        }
    }
}
