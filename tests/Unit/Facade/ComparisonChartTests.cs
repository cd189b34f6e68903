using System.Globalization;
using System.Xml.Linq;
using Functional.Facade.Reports;

namespace Functional.Unit.Tests.Facade;

public class ComparisonChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static double[] Curve(int count, double scale) =>
        [.. Enumerable.Range(0, count).Select(i => scale * (0.2 + (2 / (1 + (0.1 * i))) + (0.05 * ((i % 3) - 1))))];

    private static (string Name, IReadOnlyList<double> Losses)[] Series(int count = 50) =>
        [("sgd", Curve(count, 1.0)), ("momentum", Curve(count, 0.7)), ("adam", Curve(count, 0.5))];

    private static string[] Points(XElement polyline) => ((string)polyline.Attribute("points")!).Split(' ');

    private static double Y(string point) => double.Parse(point.Split(',')[1], CultureInfo.InvariantCulture);

    [Fact]
    public void Each_series_is_one_polyline_with_a_point_per_loss_and_a_legend_entry()
    {
        var doc = XDocument.Parse(ComparisonChart.Svg(Series(), "optimizers"));

        Assert.Equal(Svg + "svg", doc.Root!.Name);
        Assert.Equal("optimizers", doc.Root.Element(Svg + "title")!.Value);
        var lines = doc.Descendants(Svg + "polyline").ToArray();
        Assert.Equal(["sgd", "momentum", "adam"], lines.Select(l => (string)l.Attribute("data-series")!));
        Assert.All(lines, l => Assert.Equal(50, Points(l).Length));
        Assert.Equal(3, lines.Select(l => (string)l.Attribute("stroke")!).Distinct().Count());
        var legend = doc.Descendants(Svg + "g").Single(g => g.Attribute("data-legend") is not null);
        Assert.Equal(["sgd", "momentum", "adam"], legend.Elements(Svg + "text").Select(t => t.Value));
    }

    [Fact]
    public void Lower_loss_is_drawn_lower_down()
    {
        var lines = XDocument.Parse(ComparisonChart.Svg(Series(), "c")).Descendants(Svg + "polyline").ToArray();

        Assert.True(Y(Points(lines[0])[^1]) > Y(Points(lines[0])[0]), "the loss falls, so its line goes down the page");
        Assert.True(Y(Points(lines[2])[^1]) > Y(Points(lines[0])[^1]), "adam's loss is lower than sgd's");
    }

    [Fact]
    public void The_same_input_gives_the_same_string_in_any_culture()
    {
        var expected = ComparisonChart.Svg(Series(), "run");
        Assert.Equal(expected, ComparisonChart.Svg(Series(), "run"));

        var commaDecimals = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        commaDecimals.NumberFormat.NumberDecimalSeparator = ",";
        commaDecimals.NumberFormat.NegativeSign = "~";
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = commaDecimals;
            Assert.Equal(expected, ComparisonChart.Svg(Series(), "run"));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void A_few_high_losses_are_clipped_and_the_chart_says_so()
    {
        var spiky = Curve(200, 0.5);
        spiky[0] = spiky[1] = spiky[2] = 50;

        var svg = ComparisonChart.Svg([("sgd", spiky), ("adam", Curve(200, 0.3))], "spike");

        var doc = XDocument.Parse(svg);
        var top = doc.Descendants(Svg + "text").Where(t => t.Attribute("text-anchor")?.Value == "end")
            .Max(t => double.Parse(t.Value, CultureInfo.InvariantCulture));
        Assert.InRange(top, 0.4, 1);   // the 95th percentile of the smoothed losses, rounded up: not 50
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value.Contains("higher values are off the chart", StringComparison.Ordinal));
        Assert.All(doc.Descendants(Svg + "polyline"), l => Assert.NotNull(l.Attribute("clip-path")));
        var flat = ComparisonChart.Svg([("a", [.. Enumerable.Repeat(1.2, 30)]), ("b", [.. Enumerable.Repeat(0.5, 30)])], "flat");
        Assert.DoesNotContain("off the chart", flat, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_and_title_are_escaped()
    {
        const string Name = "a <b> & \"c\"";

        var doc = XDocument.Parse(ComparisonChart.Svg([(Name, Curve(5, 1)), ("x", Curve(5, 2))], "t & <u>"));

        Assert.Equal("t & <u>", doc.Root!.Element(Svg + "title")!.Value);
        Assert.Equal(Name, (string)doc.Descendants(Svg + "polyline").First().Attribute("data-series")!);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == Name);
    }

    [Fact]
    public void A_single_loss_is_drawn()
    {
        var doc = XDocument.Parse(ComparisonChart.Svg([("sgd", [2.3])], "one"));

        Assert.Single(Points(doc.Descendants(Svg + "polyline").Single()));
    }

    [Fact]
    public void Smoothing_keeps_the_length_and_a_constant_and_follows_a_straight_line_inside()
    {
        var constant = ComparisonChart.Smooth(Enumerable.Repeat(0.75, 30).ToArray());
        Assert.Equal(30, constant.Length);
        Assert.All(constant, v => Assert.Equal(0.75, v, 1e-15));

        var line = ComparisonChart.Smooth([.. Enumerable.Range(0, 30).Select(i => (double)i)]);
        for (var i = 5; i < 25; i++)
        {
            Assert.Equal(i, line[i], 1e-12);   // the window is symmetric
        }
    }

    [Fact]
    public void Smoothing_pads_as_the_books_smooth_curve_does()
    {
        static double[] Impulse(int at)
        {
            var x = new double[20];
            x[at] = 1;
            return x;
        }

        var middle = ComparisonChart.Smooth(Impulse(10));
        var (w5, w6) = (middle[10], middle[11]);   // the window's centre weight and its neighbour
        Assert.True(w5 > w6 && w6 > 0);
        // x[10:0:-1] mirrors before the first loss without repeating it; x[-1:-11:-1] repeats the last one.
        Assert.Equal(w5, ComparisonChart.Smooth(Impulse(0))[0]);
        Assert.Equal(w5 + w6, ComparisonChart.Smooth(Impulse(19))[19], 1e-15);
        Assert.Equal(1.0, middle.Sum(), 1e-15);
    }

    [Fact]
    public void An_empty_list_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => ComparisonChart.Svg([], "empty"));

        Assert.StartsWith("ComparisonChart.Svg: there are no series to plot (the list is empty)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_series_is_rejected_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => ComparisonChart.Svg([("sgd", Curve(5, 1)), ("adam", [])], "e"));

        Assert.StartsWith("ComparisonChart.Svg: series 'adam' has no losses (empty)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(double.NaN, "series 'adam' has a NaN loss at index 3")]
    [InlineData(double.PositiveInfinity, "series 'adam' has an infinite loss at index 3")]
    [InlineData(-0.5, "series 'adam' has loss -0.5 at index 3, outside [0, 1E+300]")]
    public void A_bad_loss_is_rejected_naming_its_series_and_index(double loss, string message)
    {
        var losses = Curve(6, 1);
        losses[3] = loss;

        var error = Assert.Throws<ArgumentException>(() => ComparisonChart.Svg([("sgd", Curve(6, 1)), ("adam", losses)], "bad"));

        Assert.StartsWith("ComparisonChart.Svg: " + message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_names_are_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            ComparisonChart.Svg([("sgd", Curve(5, 1)), ("adam", Curve(5, 1)), ("sgd", Curve(5, 2))], "dup"));

        Assert.StartsWith("ComparisonChart.Svg: duplicate name 'sgd' (series 0 and 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_name_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => ComparisonChart.Svg([(" ", Curve(5, 1))], "blank"));

        Assert.StartsWith("ComparisonChart.Svg: series 0 has no name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => ComparisonChart.Svg(null!, "t"));
        Assert.Throws<ArgumentNullException>(() => ComparisonChart.Svg(Series(), null!));
    }
}
