namespace Functional.Facade.Verification;

/// <summary>
/// Greedy shrinking of a failing input: tries smaller candidates in order and moves to the first that fails the
/// same property, until none does or the budget of tries is spent. Every move lowers the element count, or keeps
/// it and makes a value simpler (fewer binary places, then smaller magnitude, then non-negative), so it ends.
/// </summary>
internal static class Shrinker
{
    public sealed record Result(int[] Shape, double[] Values, Violation Violation, int Steps);

    /// <param name="shape">The failing input's shape.</param>
    /// <param name="values">The failing input's values.</param>
    /// <param name="violation">What it failed.</param>
    /// <param name="check">Checks a candidate (shape, values); null when it passes.</param>
    /// <param name="shrinkShape">False to keep the shape (a user shape generator may allow only some shapes).</param>
    /// <param name="minRank">Candidates keep at least this rank.</param>
    /// <param name="admissible">Which values a candidate may hold.</param>
    /// <param name="budget">How many candidates may be checked.</param>
    public static Result Shrink(int[] shape, double[] values, Violation violation, Func<int[], double[], Violation?> check,
        bool shrinkShape, int minRank, Func<double, bool> admissible, int budget)
    {
        var current = new Result(shape, values, violation, 0);
        var tries = 0;
        var moved = true;
        while (moved && tries < budget)
        {
            moved = false;
            var candidates = (shrinkShape ? ShapeCandidates(current.Shape, current.Values, minRank) : [])
                .Concat(ValueCandidates(current.Shape, current.Values, admissible));
            foreach (var (candidateShape, candidateValues) in candidates)
            {
                if (tries++ >= budget)
                {
                    break;
                }
                if (check(candidateShape, candidateValues) is { } failure && failure.Property == violation.Property)
                {
                    current = new Result(candidateShape, candidateValues, failure, current.Steps + 1);
                    moved = true;
                    break;
                }
            }
        }
        return current;
    }

    /// <summary>
    /// Sub-blocks of the input: without an axis (keeping one index along it), then with a dimension cut to one
    /// index, to its first or last half, or without its first or last index.
    /// </summary>
    private static IEnumerable<(int[] Shape, double[] Values)> ShapeCandidates(int[] shape, double[] values, int minRank)
    {
        if (shape.Length > minRank)
        {
            for (var axis = 0; axis < shape.Length; axis++)
            {
                for (var k = 0; k < shape[axis]; k++)
                {
                    yield return ([.. shape[..axis], .. shape[(axis + 1)..]], Slice(shape, values, axis, k, 1));
                }
            }
        }
        for (var axis = 0; axis < shape.Length; axis++)
        {
            var d = shape[axis];
            if (d > 1 && shape.Length <= minRank)
            {
                for (var k = 0; k < d; k++)
                {
                    yield return (With(shape, axis, 1), Slice(shape, values, axis, k, 1));
                }
            }
            foreach (var size in new[] { d / 2, d - 1 }.Where(size => size > 1 && size < d).Distinct())
            {
                yield return (With(shape, axis, size), Slice(shape, values, axis, 0, size));
                yield return (With(shape, axis, size), Slice(shape, values, axis, d - size, size));
            }
        }
    }

    /// <summary>All values made simpler at once (to 0, then truncated to integers), then each value on its own.</summary>
    private static IEnumerable<(int[] Shape, double[] Values)> ValueCandidates(int[] shape, double[] values, Func<double, bool> admissible)
    {
        foreach (var simplify in new Func<double, double>[] { _ => 0.0, Math.Truncate })
        {
            var next = values.Select(x => simplify(x) is var c && Simpler(c, x) && admissible(c) ? c : x).ToArray();
            if (!next.SequenceEqual(values))
            {
                yield return (shape, next);
            }
        }
        for (var i = 0; i < values.Length; i++)
        {
            foreach (var c in SimplerValues(values[i]).Where(admissible))
            {
                var next = (double[])values.Clone();
                next[i] = c;
                yield return (shape, next);
            }
        }
    }

    /// <summary>0, x truncated and rounded to fewer binary places, one step of its last place toward 0, x/2, and −x, when simpler than x.</summary>
    private static IEnumerable<double> SimplerValues(double x)
    {
        var places = Places(x);
        var candidates = new List<double> { 0.0 };
        for (var p = 0; p < places; p++)
        {
            candidates.Add(Math.Truncate(Math.ScaleB(x, p)) / Math.ScaleB(1.0, p));
            candidates.Add(Math.Round(Math.ScaleB(x, p), MidpointRounding.AwayFromZero) / Math.ScaleB(1.0, p));
        }
        candidates.Add(x - (Math.Sign(x) * Math.ScaleB(1.0, -places)));
        candidates.Add(x / 2);
        candidates.Add(-x);
        return candidates.Distinct().Where(c => Simpler(c, x));
    }

    /// <summary>Fewer binary places, then a smaller magnitude, then non-negative rather than negative.</summary>
    private static bool Simpler(double c, double x) =>
        (Places(c), Math.Abs(c), c < 0 ? 1 : 0).CompareTo((Places(x), Math.Abs(x), x < 0 ? 1 : 0)) < 0;

    /// <summary>The fewest binary places p with x·2ᵖ an integer (at most 1100, which every finite double reaches).</summary>
    private static int Places(double x)
    {
        var p = 0;
        while (p < 1100 && Math.ScaleB(x, p) != Math.Truncate(Math.ScaleB(x, p)))
        {
            p++;
        }
        return p;
    }

    private static int[] With(int[] shape, int axis, int size)
    {
        int[] result = [.. shape];
        result[axis] = size;
        return result;
    }

    /// <summary>The elements of a row-major array whose index along <paramref name="axis"/> is in [start, start + size).</summary>
    private static double[] Slice(int[] shape, double[] values, int axis, int start, int size)
    {
        var (outer, inner) = (1, 1);
        for (var a = 0; a < axis; a++)
        {
            outer *= shape[a];
        }
        for (var a = axis + 1; a < shape.Length; a++)
        {
            inner *= shape[a];
        }
        var result = new double[outer * size * inner];
        for (var o = 0; o < outer; o++)
        {
            Array.Copy(values, ((o * shape[axis]) + start) * inner, result, o * size * inner, size * inner);
        }
        return result;
    }
}
