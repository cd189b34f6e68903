using System.Buffers.Binary;
using System.Text;
using Functional.Facade.IO;
using Functional.Parameters;
using Functional.Tensors;

namespace Functional.Unit.Tests.IO;

public class SafeTensorsDtypeTests
{
    private static readonly float[] Singles = [0f, -0f, float.Epsilon, -float.Epsilon * 3, float.MaxValue, -float.MaxValue, 1f / 3, BitConverter.Int32BitsToSingle(0x00800000)];
    private static readonly Half[] Halves = [(Half)0f, -(Half)0f, Half.Epsilon, Half.MaxValue, -Half.MaxValue, (Half)(1f / 3)];
    private static readonly ushort[] BFloats = [0x0000, 0x8000, 0x0001, 0x807F, 0x7F7F, 0xFF7F, 0x3EAB, 0x3F80];

    /// <summary>A safetensors file of the given header and data, header padded with spaces as writers do.</summary>
    private static byte[] File(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header + "  ");
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    private static byte[] MixedFile()
    {
        var data = new byte[(4 * Singles.Length) + (2 * Halves.Length) + (2 * BFloats.Length)];
        var at = 0;
        foreach (var v in Singles)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(at), v);
            at += 4;
        }
        foreach (var v in Halves)
        {
            BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(at), v);
            at += 2;
        }
        foreach (var v in BFloats)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(at), v);
            at += 2;
        }
        return File("""
            {"__metadata__":{"format":"pt"},
             "s":{"dtype":"F32","shape":[2,4],"data_offsets":[0,32]},
             "h":{"dtype":"F16","shape":[6],"data_offsets":[32,44]},
             "b":{"dtype":"BF16","shape":[2,2,2],"data_offsets":[44,60]}}
            """, data);
    }

    private static void AssertBits(double expected, double actual, string what) =>
        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual), $"{what}: expected {expected:R}, got {actual:R}");

    [Fact]
    public void F32_F16_and_BF16_values_widen_exactly_to_float64_including_subnormals_signed_zeros_and_extremes()
    {
        var (tensors, metadata) = SafeTensors.Decode(MixedFile(), "mixed.safetensors");
        Assert.Equal("pt", metadata["format"]);
        Assert.Equal(new Shape(2, 4), tensors["s"].Shape);
        Assert.Equal(new Shape(2, 2, 2), tensors["b"].Shape);
        for (var i = 0; i < Singles.Length; i++)
        {
            AssertBits(Singles[i], tensors["s"].Span[i], $"F32 element {i}");
        }
        for (var i = 0; i < Halves.Length; i++)
        {
            AssertBits((double)Halves[i], tensors["h"].Span[i], $"F16 element {i}");
        }
        for (var i = 0; i < BFloats.Length; i++)
        {
            AssertBits(BitConverter.Int32BitsToSingle(BFloats[i] << 16), tensors["b"].Span[i], $"BF16 element {i}");
        }
        // Spot checks that do not go through the same conversion as the decoder.
        AssertBits(Math.Pow(2, -24), tensors["h"].Span[2], "smallest F16 subnormal");
        AssertBits(65504, tensors["h"].Span[3], "largest F16");
        AssertBits(Math.Pow(2, -133), tensors["b"].Span[2], "smallest BF16 subnormal");
        AssertBits(-0.0, tensors["b"].Span[1], "BF16 −0");
        AssertBits(1.0, tensors["b"].Span[7], "BF16 1");
    }

    [Fact]
    public void An_F32_tensor_keeps_its_float32_values_so_a_float32_model_round_trips_exactly()
    {
        var (tensors, _) = SafeTensors.Decode(MixedFile(), "mixed.safetensors");
        var single = ParamTree<double>.Of([KeyValuePair.Create("s", tensors["s"])]).Convert<float>()["s"];
        Assert.Equal(Singles.Select(BitConverter.SingleToInt32Bits), single.ToArray().Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Writing_stays_F64()
    {
        var (tensors, _) = SafeTensors.Decode(MixedFile(), "mixed.safetensors");
        var written = SafeTensors.Encode(tensors);
        var header = Encoding.UTF8.GetString(written, 8, (int)BinaryPrimitives.ReadInt64LittleEndian(written));
        Assert.DoesNotContain("F32", header, StringComparison.Ordinal);
        Assert.Equal(3, header.Split("\"F64\"").Length - 1);
        Assert.Equal(tensors, SafeTensors.Decode(written, "again").Parameters);
    }

    [Theory]
    [InlineData("I32", 4)]
    [InlineData("F8_E4M3", 1)]
    [InlineData("F8", 1)]
    [InlineData("f32", 4)]
    [InlineData("BOOL", 1)]
    public void A_dtype_that_is_not_read_is_refused_naming_the_tensor_and_the_dtypes_that_are(string dtype, int size)
    {
        var bytes = File($$$"""{"W":{"dtype":"{{{dtype}}}","shape":[2],"data_offsets":[0,{{{2 * size}}}]}}""", new byte[2 * size]);
        var message = Assert.Throws<InvalidDataException>(() => SafeTensors.Decode(bytes, "other.safetensors")).Message;
        Assert.Contains("other.safetensors", message, StringComparison.Ordinal);
        Assert.Contains($"tensor 'W': dtype {dtype}", message, StringComparison.Ordinal);
        Assert.Contains("F64, F32, F16 or BF16", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("F32", 2, 8, 12)]
    [InlineData("F16", 3, 6, 4)]
    [InlineData("BF16", 1, 2, 4)]
    public void A_shape_that_lies_about_the_size_of_its_dtype_is_refused(string dtype, int count, int needs, int holds)
    {
        var bytes = File($$$"""{"W":{"dtype":"{{{dtype}}}","shape":[{{{count}}}],"data_offsets":[0,{{{holds}}}]}}""", new byte[holds]);
        var message = Assert.Throws<InvalidDataException>(() => SafeTensors.Decode(bytes, "lies.safetensors")).Message;
        Assert.Contains($"hold {holds} bytes, but shape [{count}] of dtype {dtype} needs {needs}", message, StringComparison.Ordinal);
    }
}
