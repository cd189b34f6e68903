using System.Globalization;
using System.Text;

namespace Functional.Facade.Reports;

/// <summary>
/// Draws learning curves as a standalone SVG document: the mean training loss per epoch on the left, and train
/// (solid) and test (dashed) accuracy per epoch on the right. It uses only the base library, and the same input gives
/// the same bytes on every machine (invariant number formatting, <c>\n</c> line ends, no timestamps).
/// </summary>
public static class LearningCurveChart
{
    private const int PanelWidth = 480;
    private const int Width = 2 * PanelWidth;
    private const int Height = 390;
    private const double PlotTop = 70;
    private const double PlotBottom = 330;
    private const int MaxMarkedEpochs = 40;   // beyond this, markers would overlap into a thick line
    private const double MaxLoss = 1e300;     // the rounded-up axis top stays finite

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly Series LossSeries = new("loss", "loss", "#1f77b4", Dashed: false, MaxLoss, p => p.Loss);
    private static readonly Series TrainSeries =
        new("train", "train accuracy", "#1f77b4", Dashed: false, 1, p => p.TrainAccuracy);
    private static readonly Series TestSeries =
        new("test", "test accuracy", "#ff7f0e", Dashed: true, 1, p => p.TestAccuracy);

    /// <summary>
    /// Renders <paramref name="epochs"/> as an SVG document that starts with <c>&lt;svg</c>. The loss axis runs from 0
    /// to a rounded value above the largest loss; the accuracy axis runs up to 1 from the smallest accuracy rounded
    /// down to a tenth. Epochs are marked with dots (up to 40 epochs), so a single epoch still shows.
    /// </summary>
    /// <param name="epochs">One point per epoch, in increasing epoch order.</param>
    /// <param name="title">The chart's title; any text, escaped for XML.</param>
    /// <returns>The SVG document as text, to be saved as UTF-8.</returns>
    /// <exception cref="ArgumentNullException">
    /// <paramref name="epochs"/> or <paramref name="title"/> is null.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// The list is empty, or holds a null, a NaN or infinite value, a loss outside [0, 1e300], an accuracy outside
    /// [0, 1], or an epoch that does not come after the one before it.
    /// </exception>
    public static string Render(IReadOnlyList<EpochPoint> epochs, string title)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        ArgumentNullException.ThrowIfNull(title);
        Validate(epochs);

        var epochAxis = EpochAxis(epochs[0].Epoch, epochs[^1].Epoch);
        var loss = new Panel(0, epochAxis, LossAxis(epochs.Max(p => p.Loss)));
        var accuracy = new Panel(PanelWidth, epochAxis,
            AccuracyAxis(epochs.Min(p => Math.Min(p.TrainAccuracy, p.TestAccuracy))));

        var svg = new StringBuilder();
        svg.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" ")
           .Append(Inv, $"viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n")
           .Append(Inv, $"<title>{ChartText.Escape(title)}</title>\n")
           .Append(Inv, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        Text(svg, Width / 2, 30, ChartText.Escape(title), " text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\"");

        svg.Append("<g data-panel=\"loss\">\n");
        DrawFrame(svg, loss, "loss");
        DrawSeries(svg, loss, epochs, LossSeries);
        svg.Append("</g>\n<g data-panel=\"accuracy\">\n");
        DrawFrame(svg, accuracy, "accuracy");
        DrawLegend(svg, accuracy);
        DrawSeries(svg, accuracy, epochs, TrainSeries);
        DrawSeries(svg, accuracy, epochs, TestSeries);
        return svg.Append("</g>\n</svg>\n").ToString();
    }

    private static void Validate(IReadOnlyList<EpochPoint> epochs)
    {
        if (epochs.Count == 0)
        {
            throw new ArgumentException(Problem($"there are no epochs to plot (the list is empty)"), nameof(epochs));
        }

        for (var i = 0; i < epochs.Count; i++)
        {
            var p = epochs[i] ?? throw new ArgumentException(Problem($"item {i} is null"), nameof(epochs));
            foreach (var series in new[] { LossSeries, TrainSeries, TestSeries })
            {
                var value = series.Value(p);
                if (!double.IsFinite(value))
                {
                    var kind = double.IsNaN(value) ? "a NaN" : "an infinite";
                    throw new ArgumentException(Problem($"epoch {p.Epoch} has {kind} {series.Label}"), nameof(epochs));
                }

                if (value < 0 || value > series.Max)
                {
                    throw new ArgumentException(
                        Problem($"epoch {p.Epoch} has {series.Label} {value:R}, outside [0, {series.Max:R}]"),
                        nameof(epochs));
                }
            }

            if (i > 0 && epochs[i - 1] is { } before && p.Epoch <= before.Epoch)
            {
                throw new ArgumentException(
                    Problem($"epoch {p.Epoch} (item {i}) follows epoch {before.Epoch}; epochs must increase"),
                    nameof(epochs));
            }
        }
    }

    private static string Problem(FormattableString what) =>
        "LearningCurveChart.Render: " + what.ToString(Inv) + ".";

    private static void DrawFrame(StringBuilder svg, Panel panel, string heading)
    {
        var (left, right) = (panel.PlotLeft, panel.PlotRight);
        foreach (var tick in panel.Y.Ticks)
        {
            var y = panel.Py(tick);
            Line(svg, left, y, right, y, "#e5e5e5");
            Line(svg, left - 5, y, left, y, "#333");
            Text(svg, left - 8, y + 4, tick.ToString(panel.Y.Format, Inv), " text-anchor=\"end\"");
        }

        foreach (var tick in panel.X.Ticks)
        {
            var x = panel.Px(tick);
            Line(svg, x, PlotTop, x, PlotBottom, "#e5e5e5");
            Line(svg, x, PlotBottom, x, PlotBottom + 5, "#333");
            Text(svg, x, PlotBottom + 19, tick.ToString(panel.X.Format, Inv), " text-anchor=\"middle\"");
        }

        svg.Append(Inv, $"<rect x=\"{left:0.##}\" y=\"{PlotTop}\" width=\"{right - left:0.##}\" ")
           .Append(Inv, $"height=\"{PlotBottom - PlotTop}\" fill=\"none\" stroke=\"#333\"/>\n");
        Text(svg, left, PlotTop - 12, heading, " font-size=\"14\" font-weight=\"bold\"");
        Text(svg, (left + right) / 2, PlotBottom + 40, "epoch", " text-anchor=\"middle\"");
    }

    private static void DrawLegend(StringBuilder svg, Panel panel)
    {
        const double y = PlotTop - 16;
        foreach (var (series, x) in new[] { (TrainSeries, panel.PlotRight - 130), (TestSeries, panel.PlotRight - 60) })
        {
            Line(svg, x, y, x + 24, y, series.Color, " stroke-width=\"2\"" + series.DashAttribute);
            Text(svg, x + 30, y + 4, series.Name);
        }
    }

    private static void DrawSeries(StringBuilder svg, Panel panel, IReadOnlyList<EpochPoint> epochs, Series series)
    {
        svg.Append(Inv, $"<polyline data-series=\"{series.Name}\" fill=\"none\" stroke=\"{series.Color}\" ")
           .Append(Inv, $"stroke-width=\"2\" stroke-linejoin=\"round\"{series.DashAttribute} points=\"");
        for (var i = 0; i < epochs.Count; i++)
        {
            var (x, y) = (panel.Px(epochs[i].Epoch), panel.Py(series.Value(epochs[i])));
            svg.Append(Inv, $"{(i == 0 ? "" : " ")}{x:0.##},{y:0.##}");
        }

        svg.Append("\"/>\n");
        if (epochs.Count > MaxMarkedEpochs)
        {
            return;
        }

        var fill = series.Dashed ? "white" : series.Color;
        foreach (var p in epochs)
        {
            var value = series.Value(p);
            svg.Append(Inv, $"<circle cx=\"{panel.Px(p.Epoch):0.##}\" cy=\"{panel.Py(value):0.##}\" r=\"3\" ")
               .Append(Inv, $"fill=\"{fill}\" stroke=\"{series.Color}\" stroke-width=\"1.5\">")
               .Append(Inv, $"<title>epoch {p.Epoch} (step {p.Step}): {series.Label} {value:G4}</title></circle>\n");
        }
    }

    private static void Line(
        StringBuilder svg, double x1, double y1, double x2, double y2, string stroke, string extra = "") =>
        svg.Append(Inv, $"<line x1=\"{x1:0.##}\" y1=\"{y1:0.##}\" x2=\"{x2:0.##}\" y2=\"{y2:0.##}\" ")
           .Append(Inv, $"stroke=\"{stroke}\"{extra}/>\n");

    private static void Text(StringBuilder svg, double x, double y, string escaped, string extra = "") =>
        svg.Append(Inv, $"<text x=\"{x:0.##}\" y=\"{y:0.##}\"{extra}>{escaped}</text>\n");

    private static Axis EpochAxis(int first, int last)
    {
        var (min, max) = first == last ? (first - 1.0, last + 1.0) : (first, (double)last);
        var step = Math.Max(1, ChartText.NiceStep((max - min) / 8).Step);
        var ticks = new List<double>();
        for (var k = Math.Ceiling(min / step); k * step <= max; k++)
        {
            ticks.Add(k * step);
        }

        return new Axis(min, max, ticks, "F0");
    }

    private static Axis LossAxis(double largest)
    {
        // Losses below 1e-200 draw as 0: it keeps the decade search below away from subnormals.
        var top = largest > 1e-200 ? largest : 1;
        var (step, decimals) = ChartText.NiceStep(top / 5);
        var n = Math.Max(1, (int)Math.Ceiling((top / step) - 1e-9));
        var ticks = Enumerable.Range(0, n + 1).Select(k => k * step).ToList();
        return new Axis(0, n * step, ticks, LabelFormat(step, decimals));
    }

    private static Axis AccuracyAxis(double smallest)
    {
        // Zoom to the data, rounded down to a tenth, but keep at least 0.1 of height.
        var lowest = Math.Min(0.9, Math.Floor(smallest * 10) / 10);
        var (step, decimals) = ChartText.NiceStep((1 - lowest) / 5);   // 0.02, 0.05, 0.1 or 0.2: each divides 1
        var n = (int)Math.Round(1 / step);
        var k0 = (int)Math.Floor((lowest * n) + 1e-9);
        var ticks = Enumerable.Range(k0, n - k0 + 1).Select(k => (double)k / n).ToList();
        return new Axis((double)k0 / n, 1, ticks, "F" + decimals.ToString(Inv));
    }

    private static string LabelFormat(double step, int decimals) =>
        decimals <= 6 && step < 1e6 ? "F" + decimals.ToString(Inv) : "0.##E+0";

    private sealed record Axis(double Min, double Max, IReadOnlyList<double> Ticks, string Format)
    {
        public double Fraction(double value) => (value - Min) / (Max - Min);
    }

    private sealed record Panel(double Left, Axis X, Axis Y)
    {
        public double PlotLeft => Left + 64;

        public double PlotRight => Left + PanelWidth - 24;

        public double Px(double x) => PlotLeft + (X.Fraction(x) * (PlotRight - PlotLeft));

        public double Py(double y) => PlotBottom - (Y.Fraction(y) * (PlotBottom - PlotTop));
    }

    private sealed record Series(
        string Name, string Label, string Color, bool Dashed, double Max, Func<EpochPoint, double> Value)
    {
        public string DashAttribute => Dashed ? " stroke-dasharray=\"6 4\"" : "";
    }
}
