using Functional.Facade.Data;

namespace Functional.Unit.Tests.Facade;

public class LabeledDataTests
{
    [Fact]
    public void Byte_images_stay_bytes_and_are_scaled_when_drawn()
    {
        var data = LabeledData.FromImages([[0, 255], [51, 102]], [3, 7]);
        var (x, t) = data.Batch([1]);
        Assert.Equal([0.2, 0.4], x.ToArray());
        Assert.Equal([7], t.Indices.ToArray());
        Assert.Equal(10, data.Classes);
    }

    [Fact]
    public void Classes_default_to_the_largest_label_plus_one()
    {
        Assert.Equal(3, LabeledData.FromArrays(new double[,] { { 1 }, { 2 } }, [0, 2]).Classes);
    }

    [Fact]
    public void Bad_inputs_are_refused_naming_what_is_wrong()
    {
        Assert.Contains("2 feature rows but 1 labels", Assert.Throws<ArgumentException>(() => LabeledData.FromArrays(new double[,] { { 1 }, { 2 } }, [0])).Message, StringComparison.Ordinal);
        Assert.Contains("is NaN", Assert.Throws<ArgumentException>(() => LabeledData.FromJagged([[1.0], [double.NaN]], [0, 1])).Message, StringComparison.Ordinal);
        Assert.Contains("label 1 is -1", Assert.Throws<ArgumentException>(() => LabeledData.FromArrays(new double[,] { { 1 }, { 2 } }, [0, -1])).Message, StringComparison.Ordinal);
        Assert.Contains("image 1 has 1 pixels", Assert.Throws<ArgumentException>(() => LabeledData.FromImages([[1, 2], [3]], [0, 1])).Message, StringComparison.Ordinal);
        Assert.Contains("label 0 is 10", Assert.Throws<ArgumentException>(() => LabeledData.FromImages([[1, 2]], [10])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => LabeledData.FromJagged([[1.0, 2.0], [3.0]], [0, 1]));
    }
}
