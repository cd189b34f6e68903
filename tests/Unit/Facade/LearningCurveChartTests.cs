using System.Globalization;
using System.Xml.Linq;
using Functional.Facade.Reports;

namespace Functional.Unit.Tests.Facade;

public class LearningCurveChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static EpochPoint[] Curves(int count) =>
        [.. Enumerable.Range(1, count).Select(e => new EpochPoint(e, e * 600L, 2.3 / e, 1 - (0.5 / e), 1 - (0.55 / e)))];

    private static Dictionary<string, string[]> PointsBySeries(XDocument doc) =>
        doc.Descendants(Svg + "polyline").ToDictionary(
            line => (string)line.Attribute("data-series")!,
            line => ((string)line.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void The_output_is_an_svg_document()
    {
        var svg = LearningCurveChart.Render(Curves(10), "MNIST, 2-layer net");

        Assert.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"", svg, StringComparison.Ordinal);
        var doc = XDocument.Parse(svg);
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        Assert.Equal("MNIST, 2-layer net", doc.Root.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void Each_series_is_one_polyline_with_a_point_per_epoch()
    {
        var doc = XDocument.Parse(LearningCurveChart.Render(Curves(7), "curves"));

        var points = PointsBySeries(doc);
        Assert.Equal(["loss", "test", "train"], points.Keys.Order(StringComparer.Ordinal));
        Assert.All(points.Values, p => Assert.Equal(7, p.Length));
    }

    [Fact]
    public void The_test_line_is_dashed_and_the_others_are_solid()
    {
        var doc = XDocument.Parse(LearningCurveChart.Render(Curves(3), "curves"));

        var dashed = doc.Descendants(Svg + "polyline").ToDictionary(
            line => (string)line.Attribute("data-series")!, line => line.Attribute("stroke-dasharray") is not null);
        Assert.True(dashed["test"]);
        Assert.False(dashed["train"]);
        Assert.False(dashed["loss"]);
    }

    [Fact]
    public void Lower_loss_and_higher_accuracy_are_drawn_higher_up()
    {
        var points = PointsBySeries(XDocument.Parse(LearningCurveChart.Render(Curves(5), "curves")));

        static double Y(string point) => double.Parse(point.Split(',')[1], CultureInfo.InvariantCulture);
        Assert.True(Y(points["loss"][^1]) > Y(points["loss"][0]), "loss falls, so its line goes down");
        Assert.True(Y(points["train"][^1]) < Y(points["train"][0]), "accuracy rises, so its line goes up");
    }

    [Fact]
    public void The_same_input_gives_the_same_string() =>
        Assert.Equal(LearningCurveChart.Render(Curves(12), "run"), LearningCurveChart.Render(Curves(12), "run"));

    [Fact]
    public void The_output_does_not_depend_on_the_current_culture()
    {
        var expected = LearningCurveChart.Render(Curves(4), "run");
        var commaDecimals = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        commaDecimals.NumberFormat.NumberDecimalSeparator = ",";
        commaDecimals.NumberFormat.NegativeSign = "~";
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = commaDecimals;
            Assert.Equal(expected, LearningCurveChart.Render(Curves(4), "run"));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void A_single_epoch_is_drawn_as_markers()
    {
        var doc = XDocument.Parse(LearningCurveChart.Render([new EpochPoint(1, 600, 0.4, 0.9, 0.88)], "one"));

        Assert.All(PointsBySeries(doc).Values, p => Assert.Single(p));
        Assert.Equal(3, doc.Descendants(Svg + "circle").Count());
    }

    [Fact]
    public void The_title_is_escaped()
    {
        const string Title = "a <b> & \"c\" 'd'";

        var doc = XDocument.Parse(LearningCurveChart.Render(Curves(2), Title));

        Assert.Equal(Title, doc.Root!.Element(Svg + "title")!.Value);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == Title);
    }

    [Fact]
    public void Characters_xml_cannot_hold_are_replaced()
    {
        var doc = XDocument.Parse(LearningCurveChart.Render(Curves(2), "bell\u0007 \ud800"));

        Assert.Equal("bell\ufffd \ufffd", doc.Root!.Element(Svg + "title")!.Value);
    }

    [Fact]
    public void An_empty_list_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => LearningCurveChart.Render([], "empty"));

        Assert.Contains("LearningCurveChart.Render:", error.Message, StringComparison.Ordinal);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_NaN_loss_is_rejected_naming_its_epoch()
    {
        var epochs = Curves(5);
        epochs[2] = epochs[2] with { Loss = double.NaN };

        var error = Assert.Throws<ArgumentException>(() => LearningCurveChart.Render(epochs, "nan"));

        Assert.Contains("LearningCurveChart.Render: epoch 3 has a NaN loss", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_infinite_accuracy_is_rejected_naming_its_epoch()
    {
        var epochs = Curves(5);
        epochs[4] = epochs[4] with { TestAccuracy = double.PositiveInfinity };

        var error = Assert.Throws<ArgumentException>(() => LearningCurveChart.Render(epochs, "inf"));

        Assert.Contains("epoch 5 has an infinite test accuracy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_accuracy_above_one_is_rejected()
    {
        var epochs = Curves(3);
        epochs[0] = epochs[0] with { TrainAccuracy = 1.5 };

        var error = Assert.Throws<ArgumentException>(() => LearningCurveChart.Render(epochs, "pct"));

        Assert.Contains("epoch 1 has train accuracy 1.5, outside [0, 1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Epochs_out_of_order_are_rejected()
    {
        var epochs = Curves(3);
        (epochs[1], epochs[2]) = (epochs[2], epochs[1]);

        var error = Assert.Throws<ArgumentException>(() => LearningCurveChart.Render(epochs, "order"));

        Assert.Contains("epoch 2 (item 2) follows epoch 3", error.Message, StringComparison.Ordinal);
    }
}
