using System.Buffers.Binary;
using System.Text;
using Functional.Facade.IO;
using Functional.Parameters;
using Functional.Rng;
using Functional.Tensors;

namespace Functional.Unit.Tests.IO;

public class SafeTensorsTests
{
    private static readonly ParamTree<double> Params = ParamTree<double>.Of([
        new("W1", Sample.Normal(RngKey.FromSeed(1), 3, 2)),
        new("b1", Tensor.Vector(0.5, double.NaN)),
    ]);

    private static byte[] WithHeader(string json, int dataBytes)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    [Fact]
    public void Parameters_and_metadata_round_trip_bit_for_bit()
    {
        var bytes = SafeTensors.Encode(Params, new Dictionary<string, string> { ["network"] = "3,2" });
        var (decoded, metadata) = SafeTensors.Decode(bytes, "p");
        Assert.Equal(Params, decoded);
        Assert.Equal("3,2", metadata["network"]);
        Assert.Equal(0, (BinaryPrimitives.ReadInt64LittleEndian(bytes) + 8) % 8);   // data aligned to 8 bytes
    }

    [Theory]
    [InlineData("""{"W":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}""", 8, "dtype I64; expected F64, F32, F16 or BF16")]
    [InlineData("""{"W":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}""", 8, "of dtype F32 needs 4")]
    [InlineData("""{"W":{"dtype":"F64","shape":[1],"data_offsets":[null,8]}}""", 8, "data_offsets must be two integers")]
    [InlineData("""{"W":{"dtype":"F64","shape":[1],"data_offsets":[{},8]}}""", 8, "data_offsets must be two integers")]
    [InlineData("""{"W":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"W":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}""", 16, "not valid JSON")]
    [InlineData("""{"W":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}""", 8, "needs 16")]
    [InlineData("""{"W":{"dtype":"F64","shape":[1],"data_offsets":[0,16]}}""", 8, "outside")]
    [InlineData("""{"W":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"V":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}""", 16, "overlap")]
    [InlineData("""{"W":{"dtype":"F64","shape":[1000000000,1000000000],"data_offsets":[0,8]}}""", 8, "needs more than")]
    [InlineData("""{"W":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}""", 16, "cover 8 bytes")]
    [InlineData("""{"W":[1,2]}""", 0, "expected an object")]
    [InlineData("""not json""", 0, "not valid JSON")]
    public void A_corrupt_or_hostile_header_is_refused_before_allocating(string header, int dataBytes, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Decode(WithHeader(header, dataBytes), "bad.safetensors"));
        Assert.Contains("bad.safetensors", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_length_beyond_the_file_is_refused()
    {
        var bytes = SafeTensors.Encode(Params);
        BinaryPrimitives.WriteInt64LittleEndian(bytes, long.MaxValue);
        Assert.Contains("header length", Assert.Throws<InvalidDataException>(() => SafeTensors.Decode(bytes, "p")).Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => SafeTensors.Decode(bytes.AsSpan(0, 4), "p"));
    }
}
