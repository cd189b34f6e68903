using System.Globalization;
using System.Text;

namespace Functional.Facade.Reports;

/// <summary>
/// Draws several training-loss curves on one set of axes as a standalone SVG document, as the book's optimizer
/// comparison (section 6.1.8, <c>optimizer_compare_mnist.py</c>) does: loss against iteration, one line per series,
/// each loss curve smoothed by <see cref="Smooth"/>. It uses only the base library, and the same input gives the same
/// bytes on every machine (invariant number formatting, <c>\n</c> line ends, no timestamps).
/// </summary>
public static class ComparisonChart
{
    /// <summary>The width of <see cref="Smooth"/>'s window: the book's <c>window_len</c>, 11 losses.</summary>
    public const int SmoothingWindow = 11;

    /// <summary>The shape parameter β of <see cref="Smooth"/>'s Kaiser window: the book's 2.</summary>
    public const double KaiserBeta = 2;

    /// <summary>The fraction of all smoothed losses that stay below the top of the loss axis; the rest are clipped.</summary>
    public const double CoveredFraction = 0.95;

    private const int Width = 760;
    private const int Height = 476;
    private const double PlotLeft = 72;
    private const double PlotRight = Width - 28;
    private const double PlotTop = 84;
    private const double PlotBottom = 400;
    private const int MarkersPerSeries = 20;   // the book marks every 100th of 2000 iterations
    private const double MaxLoss = 1e300;      // the smoothed sums and the rounded-up axis top stay finite
    private const double Overshoot = 16;       // clipped values are drawn at most 16 axis heights up, out of sight
    private const string ClipId = "comparison-plot-area";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    // Matplotlib's default colour cycle ("tab10"), as in the book's figure.
    private static readonly string[] Colors =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ];

    private static readonly Marker[] Markers =
        [Marker.Circle, Marker.Cross, Marker.Square, Marker.Diamond, Marker.TriangleUp, Marker.TriangleDown];

    private static readonly double[] Weights = KaiserWeights(SmoothingWindow, KaiserBeta);

    /// <summary>
    /// Renders <paramref name="series"/> as an SVG document that starts with <c>&lt;svg</c>: one polyline per series
    /// (<c>data-series</c> holds its name), in the order given, each with its own colour (matplotlib's ten, repeated
    /// after ten) and marker shape (six, repeated after six), and a legend with the names. Loss <c>k</c> of a series
    /// (0-based) is drawn at iteration <c>k + 1</c>, after <see cref="Smooth"/>. The loss axis runs from 0 to the
    /// smallest round value (1, 2 or 5 × 10ⁿ per tick) at or above the 95th percentile of all smoothed losses of all
    /// series together, so the early, steep part of a slow curve does not squash the rest. Lines and markers are
    /// clipped at the top of the plot, as matplotlib's <c>ylim</c> clips the book's figure (which stops at 1): a
    /// curve above the axis leaves the plot and comes back where it falls below, and a note under the title says so.
    /// </summary>
    /// <param name="series">The curves: a non-blank name, unique (ordinal comparison), and the loss of each iteration.</param>
    /// <param name="title">The chart's title; any text, escaped for XML.</param>
    /// <returns>The SVG document as text, to be saved as UTF-8.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="series"/> or <paramref name="title"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The list is empty, or a series has a null or blank name, a name used before, no losses, or a loss that is NaN,
    /// infinite or outside [0, 1e300]; the message starts with <c>ComparisonChart.Svg</c> and names the series.
    /// </exception>
    public static string Svg(IReadOnlyList<(string Name, IReadOnlyList<double> Losses)> series, string title)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(title);
        Validate(series);

        var smoothed = series.Select(s => Smooth(s.Losses)).ToArray();
        var iterations = series.Max(s => s.Losses.Count);
        var x = IterationAxis(iterations);
        var y = LossAxis(Percentile(smoothed.SelectMany(s => s), CoveredFraction));
        var clipped = smoothed.Any(s => s.Any(v => v > y.Max));

        var svg = new StringBuilder();
        svg.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" ")
           .Append(Inv, $"viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n")
           .Append(Inv, $"<title>{ChartText.Escape(title)}</title>\n")
           .Append(Inv, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n")
           .Append(Inv, $"<defs><clipPath id=\"{ClipId}\"><rect x=\"0\" y=\"{PlotTop}\" width=\"{Width}\" ")
           .Append(Inv, $"height=\"{Height - PlotTop}\"/></clipPath></defs>\n");
        Text(svg, Width / 2, 30, ChartText.Escape(title), " text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\"");
        Text(svg, Width / 2, 50, "training loss, smoothed as the book's smooth_curve (11-point Kaiser window, β = 2)",
            " text-anchor=\"middle\" fill=\"#555\"");
        if (clipped)
        {
            Text(svg, Width / 2, 66,
                $"the loss axis stops at {y.Label(y.Max)}, the 95th percentile of all smoothed losses; higher values are off the chart",
                " text-anchor=\"middle\" fill=\"#555\"");
        }

        DrawFrame(svg, x, y);
        for (var i = 0; i < series.Count; i++)
        {
            DrawSeries(svg, x, y, ChartText.Escape(series[i].Name), Colors[i % Colors.Length], Markers[i % Markers.Length],
                smoothed[i], iterations);
        }

        DrawLegend(svg, series.Select(s => s.Name).ToArray());
        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>
    /// The book's <c>smooth_curve</c> (common/util.py): a moving average weighted by an 11-point Kaiser window with
    /// β = 2 (weights I₀(β·√(1 − (k/5 − 1)²)), k = 0…10, divided by their sum), centred on each loss, so the result is as
    /// long as the input. Past the first loss the curve is mirrored without repeating it (<c>x[10:0:-1]</c>), past the
    /// last it is mirrored repeating it (<c>x[-1:-11:-1]</c>), as the book pads; with fewer than 11 losses, where the
    /// book's code fails, indices the mirror still leaves outside are clamped to the nearest end.
    /// Each output is Σₖ wₖ·x in order k = 0…10, so the same input gives the same bits.
    /// </summary>
    /// <param name="losses">The losses, each finite.</param>
    /// <returns>A new array of the smoothed losses, one per input.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="losses"/> is null.</exception>
    /// <exception cref="ArgumentException">A loss is NaN or infinite.</exception>
    public static double[] Smooth(IReadOnlyList<double> losses)
    {
        ArgumentNullException.ThrowIfNull(losses);
        for (var i = 0; i < losses.Count; i++)
        {
            if (!double.IsFinite(losses[i]))
            {
                throw new ArgumentException(
                    string.Create(Inv, $"ComparisonChart.Smooth: loss {i} is {losses[i]}; every loss must be finite."),
                    nameof(losses));
            }
        }

        var n = losses.Count;
        var half = SmoothingWindow / 2;
        var smoothed = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sum = 0.0;
            for (var k = 0; k < SmoothingWindow; k++)
            {
                sum += Weights[k] * losses[Padded(i + k - half, n)];
            }

            smoothed[i] = sum;
        }

        return smoothed;
    }

    // The book's padding: x[10:0:-1] before (mirror, first value once), x[-1:-11:-1] after (mirror, last value twice).
    private static int Padded(int j, int n)
    {
        var mirrored = j < 0 ? -j : j >= n ? (2 * n) - 1 - j : j;
        return Math.Clamp(mirrored, 0, n - 1);
    }

    // numpy.kaiser(m, beta) divided by its sum: I₀(β·√(1 − ((k − α)/α)²)) / I₀(β), α = (m − 1)/2.
    private static double[] KaiserWeights(int m, double beta)
    {
        var alpha = (m - 1) / 2.0;
        var w = new double[m];
        var sum = 0.0;
        for (var k = 0; k < m; k++)
        {
            var r = (k - alpha) / alpha;
            w[k] = BesselI0(beta * Math.Sqrt(1 - (r * r))) / BesselI0(beta);
            sum += w[k];
        }

        for (var k = 0; k < m; k++)
        {
            w[k] /= sum;
        }

        return w;
    }

    // I₀(x) = Σₘ ((x/2)ᵐ / m!)², summed in order from m = 0; for |x| ≤ 2 the terms fall below 1e-30 by m = 20.
    // Only +, × and ÷, so the weights are the same bits everywhere (not Math.Pow or a C library's Bessel function).
    private static double BesselI0(double x)
    {
        var (sum, term) = (1.0, 1.0);
        for (var m = 1; m <= 30; m++)
        {
            var factor = x / 2 / m;
            term *= factor * factor;
            sum += term;
        }

        return sum;
    }

    private static void Validate(IReadOnlyList<(string Name, IReadOnlyList<double> Losses)> series)
    {
        if (series.Count == 0)
        {
            throw new ArgumentException(Problem($"there are no series to plot (the list is empty)"), nameof(series));
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < series.Count; i++)
        {
            var (name, losses) = series[i];
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException(Problem($"series {i} has no name (null or blank)"), nameof(series));
            }

            if (!seen.TryAdd(name, i))
            {
                throw new ArgumentException(
                    Problem($"duplicate name '{name}' (series {seen[name]} and {i}); names must be unique"), nameof(series));
            }

            if (losses is null || losses.Count == 0)
            {
                throw new ArgumentException(
                    Problem($"series '{name}' has no losses ({(losses is null ? "null" : "empty")})"), nameof(series));
            }

            for (var k = 0; k < losses.Count; k++)
            {
                var loss = losses[k];
                if (!double.IsFinite(loss))
                {
                    var kind = double.IsNaN(loss) ? "a NaN" : "an infinite";
                    throw new ArgumentException(
                        Problem($"series '{name}' has {kind} loss at index {k}; every loss must be finite"),
                        nameof(series));
                }

                if (loss is < 0 or > MaxLoss)
                {
                    throw new ArgumentException(
                        Problem($"series '{name}' has loss {loss:R} at index {k}, outside [0, {MaxLoss:R}]"),
                        nameof(series));
                }
            }
        }
    }

    private static string Problem(FormattableString what) => "ComparisonChart.Svg: " + what.ToString(Inv) + ".";

    // Nearest rank: the smallest value with at least the given fraction of all values at or below it.
    private static double Percentile(IEnumerable<double> values, double fraction)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling((fraction * sorted.Length) - 1e-9);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static void DrawFrame(StringBuilder svg, Axis x, Axis y)
    {
        foreach (var tick in y.Ticks)
        {
            var py = Py(y, tick);
            Line(svg, PlotLeft, py, PlotRight, py, "#e5e5e5");
            Line(svg, PlotLeft - 5, py, PlotLeft, py, "#333");
            Text(svg, PlotLeft - 8, py + 4, y.Label(tick), " text-anchor=\"end\"");
        }

        foreach (var tick in x.Ticks)
        {
            var px = Px(x, tick);
            Line(svg, px, PlotTop, px, PlotBottom, "#e5e5e5");
            Line(svg, px, PlotBottom, px, PlotBottom + 5, "#333");
            Text(svg, px, PlotBottom + 19, x.Label(tick), " text-anchor=\"middle\"");
        }

        svg.Append(Inv, $"<rect x=\"{PlotLeft}\" y=\"{PlotTop}\" width=\"{PlotRight - PlotLeft}\" ")
           .Append(Inv, $"height=\"{PlotBottom - PlotTop}\" fill=\"none\" stroke=\"#333\"/>\n");
        Text(svg, (PlotLeft + PlotRight) / 2, PlotBottom + 42, "iterations", " text-anchor=\"middle\"");
        Text(svg, 20, (PlotTop + PlotBottom) / 2, "loss",
            string.Create(Inv, $" text-anchor=\"middle\" transform=\"rotate(-90 20 {(PlotTop + PlotBottom) / 2:0.##})\""));
    }

    private static void DrawSeries(
        StringBuilder svg, Axis x, Axis y, string escapedName, string color, Marker marker, double[] smoothed,
        int iterations)
    {
        svg.Append(Inv, $"<polyline data-series=\"{escapedName}\" clip-path=\"url(#{ClipId})\" fill=\"none\" stroke=\"{color}\" ")
           .Append("stroke-width=\"1.5\" stroke-linejoin=\"round\" points=\"");
        for (var k = 0; k < smoothed.Length; k++)
        {
            svg.Append(Inv, $"{(k == 0 ? "" : " ")}{Px(x, k + 1):0.##},{Py(y, Math.Min(smoothed[k], Overshoot * y.Max)):0.##}");
        }

        svg.Append("\"/>\n");
        var every = Math.Max(1, (iterations + MarkersPerSeries - 1) / MarkersPerSeries);
        svg.Append(Inv, $"<path data-markers=\"{escapedName}\" clip-path=\"url(#{ClipId})\" fill=\"{color}\" stroke=\"{color}\" stroke-width=\"1.5\" d=\"");
        for (var k = 0; k < smoothed.Length; k += every)
        {
            svg.Append(MarkerPath(marker, Px(x, k + 1), Py(y, Math.Min(smoothed[k], Overshoot * y.Max))));
        }

        svg.Append("\"/>\n");
    }

    private static void DrawLegend(StringBuilder svg, string[] names)
    {
        // Text width is estimated (7 px a character at 12 px sans-serif): no font metrics, so it stays deterministic.
        var width = 52 + (7 * names.Max(n => n.Length));
        var (left, top) = (PlotRight - 10 - width, PlotTop + 10);
        svg.Append("<g data-legend=\"\">\n")
           .Append(Inv, $"<rect x=\"{left:0.##}\" y=\"{top:0.##}\" width=\"{width:0.##}\" height=\"{(20 * names.Length) + 8}\" ")
           .Append("fill=\"white\" fill-opacity=\"0.9\" stroke=\"#ccc\"/>\n");
        for (var i = 0; i < names.Length; i++)
        {
            var (color, y) = (Colors[i % Colors.Length], top + 14 + (20 * i));
            Line(svg, left + 8, y, left + 36, y, color, " stroke-width=\"1.5\"");
            svg.Append(Inv, $"<path fill=\"{color}\" stroke=\"{color}\" stroke-width=\"1.5\" d=\"")
               .Append(MarkerPath(Markers[i % Markers.Length], left + 22, y)).Append("\"/>\n");
            Text(svg, left + 44, y + 4, ChartText.Escape(names[i]));
        }

        svg.Append("</g>\n");
    }

    // Each marker is one closed or open subpath about 8 px across, centred on (x, y).
    private static string MarkerPath(Marker marker, double x, double y) => marker switch
    {
        Marker.Circle => string.Create(Inv, $"M{x - 3.5:0.##},{y:0.##}a3.5,3.5 0 1,0 7,0a3.5,3.5 0 1,0 -7,0"),
        Marker.Cross => string.Create(Inv, $"M{x - 4:0.##},{y - 4:0.##}l8,8M{x - 4:0.##},{y + 4:0.##}l8,-8"),
        Marker.Square => string.Create(Inv, $"M{x - 3.5:0.##},{y - 3.5:0.##}h7v7h-7z"),
        Marker.Diamond => string.Create(Inv, $"M{x:0.##},{y - 4.5:0.##}l4,4.5l-4,4.5l-4,-4.5z"),
        Marker.TriangleUp => string.Create(Inv, $"M{x:0.##},{y - 4.5:0.##}l4.5,8h-9z"),
        _ => string.Create(Inv, $"M{x:0.##},{y + 4.5:0.##}l4.5,-8h-9z"),
    };

    private static void Line(
        StringBuilder svg, double x1, double y1, double x2, double y2, string stroke, string extra = "") =>
        svg.Append(Inv, $"<line x1=\"{x1:0.##}\" y1=\"{y1:0.##}\" x2=\"{x2:0.##}\" y2=\"{y2:0.##}\" ")
           .Append(Inv, $"stroke=\"{stroke}\"{extra}/>\n");

    private static void Text(StringBuilder svg, double x, double y, string escaped, string extra = "") =>
        svg.Append(Inv, $"<text x=\"{x:0.##}\" y=\"{y:0.##}\"{extra}>{escaped}</text>\n");

    private static double Px(Axis x, double value) => PlotLeft + (x.Fraction(value) * (PlotRight - PlotLeft));

    private static double Py(Axis y, double value) => PlotBottom - (y.Fraction(value) * (PlotBottom - PlotTop));

    private static Axis IterationAxis(int iterations)
    {
        var step = Math.Max(1, ChartText.NiceStep(iterations / 8.0).Step);
        var ticks = new List<double>();
        for (var k = 0; k * step <= iterations; k++)
        {
            ticks.Add(k * step);
        }

        return new Axis(0, iterations, ticks, "F0");
    }

    private static Axis LossAxis(double covered)
    {
        // Losses below 1e-200 draw as 0: it keeps the decade search below away from subnormals.
        var top = covered > 1e-200 ? covered : 1;
        var (step, decimals) = ChartText.NiceStep(top / 5);
        var n = Math.Max(1, (int)Math.Ceiling((top / step) - 1e-9));
        var ticks = Enumerable.Range(0, n + 1).Select(k => k * step).ToList();
        var format = decimals <= 6 && step < 1e6 ? "F" + decimals.ToString(Inv) : "0.##E+0";
        return new Axis(0, n * step, ticks, format);
    }

    private enum Marker
    {
        Circle,
        Cross,
        Square,
        Diamond,
        TriangleUp,
        TriangleDown,
    }

    private sealed record Axis(double Min, double Max, IReadOnlyList<double> Ticks, string Format)
    {
        public double Fraction(double value) => (value - Min) / (Max - Min);

        public string Label(double value) => value.ToString(Format, Inv);
    }
}
