using System.Collections.Immutable;
using Functional.Data;

namespace Functional.Unit.Tests.Data;

public class DatasetTests
{
    private static IdxArray Images(int count) => new([count, 2, 2], [.. Enumerable.Range(0, count * 4).Select(i => (byte)(i * 17 % 256))]);

    private static IdxArray Labels(params byte[] labels) => new([labels.Length], [.. labels]);

    [Fact]
    public void A_batch_is_normalised_to_0_1_and_carries_its_labels()
    {
        var data = Dataset.FromIdx("d", new IdxArray([2, 1, 2], [0, 255, 51, 102]), Labels(3, 7));
        var (x, t) = data.Batch([1, 0, 1]);
        Assert.Equal([0.2, 0.4, 0.0, 1.0, 0.2, 0.4], x.ToArray());
        Assert.Equal([7, 3, 7], t.Indices.ToArray());
        Assert.Equal(2, data.Features);
    }

    [Fact]
    public void Pixels_are_copied_as_stored_and_a_prefetch_hint_changes_nothing_even_for_indices_outside_the_data()
    {
        var data = Dataset.FromIdx("d", Images(3), Labels(1, 2, 3));
        IPixelWriter writer = data;
        writer.Prefetch([2, 0, -1, 3, int.MaxValue]);   // a hint: out-of-range indices are ignored, not refused
        var pixels = new byte[8];
        var labels = new int[2];
        writer.WritePixels([2, 0], pixels, labels);
        Assert.Equal(data.Pixels.AsSpan(8, 4).ToArray().Concat(data.Pixels.AsSpan(0, 4).ToArray()), pixels);
        Assert.Equal([3, 1], labels);
    }

    [Fact]
    public void Image_and_label_counts_must_agree()
    {
        var error = Assert.Throws<InvalidDataException>(() => Dataset.FromIdx("mnist", Images(3), Labels(1, 2)));
        Assert.Contains("mnist: 3 images but 2 labels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_above_9_is_refused_naming_its_position()
    {
        var error = Assert.Throws<InvalidDataException>(() => Dataset.FromIdx("mnist", Images(2), Labels(1, 10)));
        Assert.Contains("label 1 is 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_index_outside_the_data_set_is_refused()
    {
        var data = Dataset.FromIdx("d", Images(2), Labels(1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Batch([2]));
    }

    [Fact]
    public void Pixels_stay_bytes()
    {
        var data = Dataset.FromIdx("d", Images(2), Labels(1, 2));
        Assert.IsType<ImmutableArray<byte>>(data.Pixels);
        Assert.Equal(8, data.Pixels.Length);
    }
}
