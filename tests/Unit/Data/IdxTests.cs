using System.Buffers.Binary;
using Functional.Data;

namespace Functional.Unit.Tests.Data;

public class IdxTests
{
    internal static byte[] File(int rank, int[] dims, byte[] values, uint? magic = null)
    {
        var bytes = new byte[4 + (4 * dims.Length) + values.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic ?? (uint)(0x0800 | rank));
        for (var i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dims[i]);
        }
        values.CopyTo(bytes, 4 + (4 * dims.Length));
        return bytes;
    }

    [Fact]
    public void A_valid_image_file_parses_to_its_dimensions_and_bytes()
    {
        var parsed = Idx.Parse(File(3, [2, 2, 3], [.. Enumerable.Range(0, 12).Select(i => (byte)i)]), "images", 3);
        Assert.Equal([2, 2, 3], parsed.Dims.ToArray());
        Assert.Equal(11, parsed.Values[11]);
    }

    [Fact]
    public void A_bad_magic_number_is_refused_naming_the_file_and_both_numbers()
    {
        var error = Assert.Throws<InvalidDataException>(() => Idx.Parse(File(1, [2], [1, 2], magic: 0x12345678), "labels.idx", 1));
        Assert.Contains("labels.idx", error.Message, StringComparison.Ordinal);
        Assert.Contains("0x12345678", error.Message, StringComparison.Ordinal);
        Assert.Contains("0x00000801", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_given_where_images_are_expected_are_refused()
    {
        Assert.Throws<InvalidDataException>(() => Idx.Parse(File(1, [2], [1, 2]), "f", 3));
    }

    [Fact]
    public void Truncated_and_overlong_files_are_refused()
    {
        var full = File(1, [4], [1, 2, 3, 4]);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Idx.Parse(full.AsSpan(0, full.Length - 1), "f", 1)).Message, StringComparison.Ordinal);
        Assert.Contains("truncated header", Assert.Throws<InvalidDataException>(() => Idx.Parse(full.AsSpan(0, 6), "f", 1)).Message, StringComparison.Ordinal);
        Assert.Contains("trailing", Assert.Throws<InvalidDataException>(() => Idx.Parse([.. full, 9], "f", 1)).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => Idx.Parse([0, 0], "f", 1));
    }

    [Fact]
    public void A_zero_dimension_is_refused()
    {
        Assert.Contains("dimension 0 is 0", Assert.Throws<InvalidDataException>(() => Idx.Parse(File(1, [0], []), "f", 1)).Message, StringComparison.Ordinal);
    }
}
