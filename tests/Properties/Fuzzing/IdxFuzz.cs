using System.Buffers.Binary;
using CsCheck;
using Functional.Data;
using Functional.Facade.Data;
using Functional.Properties.Tests.Support;

namespace Functional.Properties.Tests.Fuzzing;

/// <summary>Idx.Parse and Mnist.LoadDirectory on corruptions of valid IDX files.</summary>
public sealed class IdxFuzz : IDisposable
{
    private readonly string _directory = Fuzz.TempDirectory("idx");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte[] Idx(int[] dims, byte[] values)
    {
        var bytes = new byte[4 + (4 * dims.Length) + values.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dims.Length;
        for (var i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dims[i]);
        }
        values.CopyTo(bytes, 4 + (4 * dims.Length));
        return bytes;
    }

    private static readonly byte[] Images = Idx([3, 2, 2], [.. Enumerable.Range(0, 12).Select(i => (byte)(20 * i))]);
    private static readonly byte[] Labels = Idx([3], [7, 0, 9]);

    /// <summary>Parses from bytes; when it parses, the array is exactly what the bytes say.</summary>
    private static void ParsesExactlyOrRefuses(byte[] bytes, int rank, string what)
    {
        IdxArray? parsed = null;
        if (Fuzz.LoadsOrRefuses(() => parsed = Functional.Data.Idx.Parse(bytes, "fuzz.idx", rank), "fuzz.idx", bytes.Length, what))
        {
            var header = 4 + (4 * rank);
            Assert.Equal(bytes[header..], parsed!.Values.ToArray());
            Assert.Equal(bytes.Length - header, parsed.Dims.Aggregate(1L, (a, d) => a * d));
        }
    }

    [Fact]
    public void Truncation_at_every_length_is_refused()
    {
        foreach (var (file, rank) in new[] { (Images, 3), (Labels, 1) })
        {
            for (var n = 0; n < file.Length; n++)
            {
                Assert.Throws<InvalidDataException>(() => Functional.Data.Idx.Parse(file.AsSpan(0, n), "fuzz.idx", rank));
            }
            ParsesExactlyOrRefuses(file, rank, "valid");
        }
    }

    [Fact]
    public void Damaged_bytes_and_hostile_dimensions_parse_exactly_or_are_refused()
    {
        var dims = Gen.OneOf(Gen.Int[0, 5], Gen.Const(int.MaxValue), Gen.Const(-1), Gen.Const(65536), Gen.Int[int.MinValue, int.MaxValue]).Array[3];
        var gen = Gen.OneOf(
            Gen.OneOf(Fuzz.Flips(0, Images.Length), Fuzz.Splice(0, Images.Length), Fuzz.Truncate(Images.Length)).Select(c => (c.Name, c.Apply(Images))),
            Gen.Select(dims, Gen.Byte.Array[0, 40]).Select((d, v) => ($"dims [{string.Join(", ", d)}] with {v.Length} values", Idx(d, v))));
        PropertyCheck.ForAll(gen, c => ParsesExactlyOrRefuses(c.Item2, 3, c.Item1), runs: 300, print: c => c.Item1);
        Assert.Contains("more than 12", Assert.Throws<InvalidDataException>(() => Functional.Data.Idx.Parse(Idx([int.MaxValue, int.MaxValue, int.MaxValue], new byte[12]), "f", 3)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_data_directory_loads_only_as_valid_data_or_is_refused_naming_the_file()
    {
        var names = Mnist.FileNames;
        PropertyCheck.ForAll(Gen.Select(Gen.Int[0, 3], Gen.OneOf(Fuzz.Flips(0, Labels.Length), Fuzz.Truncate(Labels.Length), Fuzz.Splice(0, Labels.Length), Gen.Const(new Corruption("delete", _ => [])))), c =>
        {
            var (which, corruption) = c;
            var directory = Path.Combine(_directory, "data");
            Directory.CreateDirectory(directory);
            long total = 0;
            for (var i = 0; i < 4; i++)
            {
                var bytes = i % 2 == 0 ? Images : Labels;
                bytes = i == which ? corruption.Apply(bytes) : bytes;
                var path = Path.Combine(directory, names[i]);
                if (corruption.Name == "delete" && i == which)
                {
                    File.Delete(path);
                    continue;
                }
                File.WriteAllBytes(path, bytes);
                total += bytes.Length;
            }
            Fuzz.LoadsOrRefuses(() => Mnist.LoadDirectory(directory), names[which], total, $"{names[which]}: {corruption.Name}");
        }, runs: 150);
    }
}
