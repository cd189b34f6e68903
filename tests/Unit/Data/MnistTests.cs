using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using Functional.Facade.Data;

namespace Functional.Unit.Tests.Data;

public sealed class MnistTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("functional-mnist-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_embedded_subset_has_7996_training_and_2004_test_digits()
    {
        var data = Mnist.LoadEmbedded();
        Assert.Equal(7996, data.Train.Count);
        Assert.Equal(2004, data.Test.Count);
        Assert.Equal(784, data.Train.Features);
        Assert.Equal([0, 1, 2, 3], data.Train.Labels.Take(4).Select(b => (int)b).ToArray());   // round-robin over digits
        Assert.Equal(64, data.Fingerprint.Length);
    }

    [Fact]
    public void A_directory_of_raw_files_loads_the_same_digits_as_the_gzip_files()
    {
        var repositoryData = RepositoryData();
        foreach (var name in Mnist.FileNames)
        {
            using var gzip = new GZipStream(File.OpenRead(Path.Combine(repositoryData, name + ".gz")), CompressionMode.Decompress);
            using var raw = File.Create(Path.Combine(_directory, name));
            gzip.CopyTo(raw);
        }
        var fromRaw = Mnist.LoadDirectory(_directory);
        var embedded = Mnist.LoadEmbedded();
        Assert.True(fromRaw.Train.Pixels.SequenceEqual(embedded.Train.Pixels));
        Assert.True(fromRaw.Test.Labels.SequenceEqual(embedded.Test.Labels));
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var error = Assert.Throws<FileNotFoundException>(() => Mnist.LoadDirectory(_directory));
        Assert.Contains("train-images-idx3-ubyte", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_gzip_file_is_named()
    {
        foreach (var name in Mnist.FileNames)
        {
            File.Copy(Path.Combine(RepositoryData(), name + ".gz"), Path.Combine(_directory, name + ".gz"));
        }
        var target = Path.Combine(_directory, "t10k-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(target);
        File.WriteAllBytes(target, bytes[..(bytes.Length / 2)]);
        var error = Assert.Throws<InvalidDataException>(() => Mnist.LoadDirectory(_directory));
        Assert.Contains("t10k-images-idx3-ubyte.gz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gzip_trailer_claiming_a_huge_size_is_an_error_not_an_allocation()
    {
        foreach (var name in Mnist.FileNames)
        {
            File.Copy(Path.Combine(RepositoryData(), name + ".gz"), Path.Combine(_directory, name + ".gz"));
        }
        var target = Path.Combine(_directory, "train-labels-idx1-ubyte.gz");
        var bytes = File.ReadAllBytes(target);
        bytes[^1] = 0x3F;   // claims ~1 GB uncompressed
        File.WriteAllBytes(target, bytes);
        var error = Assert.Throws<InvalidDataException>(() => Mnist.LoadDirectory(_directory));
        Assert.Contains("train-labels-idx1-ubyte.gz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gzip_trailer_lying_within_deflates_ratio_sizes_no_allocation()
    {
        // 20 images of incompressible pixels (SHA-256 in counter mode), gzipped: about 16 KB either way.
        var idx = new byte[16 + (20 * 28 * 28)];
        idx[2] = 0x08;
        idx[3] = 3;
        BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(4), 20);
        BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(12), 28);
        for (var at = 16; at < idx.Length; at += 32)
        {
            SHA256.HashData(BitConverter.GetBytes(at)).AsSpan(0, Math.Min(32, idx.Length - at)).CopyTo(idx.AsSpan(at));
        }
        var gz = new MemoryStream();
        using (var gzip = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(idx);
        }
        var bytes = gz.ToArray();
        // The trailer claims 1000× the file: plausible for deflate (≤ 1032:1), and a lie.
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), (uint)(1000 * bytes.Length));
        var target = Path.Combine(_directory, "train-images-idx3-ubyte.gz");
        File.WriteAllBytes(target, bytes);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => Mnist.LoadDirectory(_directory));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(target, error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Contains("gzip", StringComparison.Ordinal), error.Message);
        // What inflating really needs (the file, the output, a chunk) is far below the 16 MB the trailer claims.
        Assert.True(allocated < (16L * bytes.Length) + (1 << 20), $"allocated {allocated} bytes for a {bytes.Length}-byte file");
    }

    [Fact]
    public void A_missing_directory_is_named()
    {
        var missing = Path.Combine(_directory, "nope");
        Assert.Contains(missing, Assert.Throws<DirectoryNotFoundException>(() => Mnist.LoadDirectory(missing)).Message, StringComparison.Ordinal);
    }

    internal static string RepositoryData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "data", "mnist-10k");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("data/mnist-10k not found above the test binaries");
    }
}
