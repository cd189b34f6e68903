using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using Functional.Data;

namespace Functional.Facade.Data;

/// <summary>A training set and a test set, with a fingerprint of the files they came from.</summary>
/// <param name="Train">The training samples.</param>
/// <param name="Test">The test samples.</param>
/// <param name="Source">Where they were read: a directory, or "embedded mnist-10k".</param>
/// <param name="Fingerprint">SHA-256 over the four files' bytes as stored (compressed or not), in a fixed order.</param>
public sealed record MnistData(Dataset Train, Dataset Test, string Source, string Fingerprint);

/// <summary>
/// Loads MNIST-format data: the four standard files (train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte), each gzip-compressed (".gz") or raw. This is the edge where
/// files are read; parsing and checking are <see cref="Idx"/>'s and <see cref="Dataset"/>'s.
/// </summary>
public static class Mnist
{
    /// <summary>The four file names, without ".gz", in the order they are fingerprinted.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>The 10,000 real MNIST digits shipped with the library (7,996 train, 2,004 test).</summary>
    public static MnistData LoadEmbedded()
    {
        var assembly = typeof(Mnist).Assembly;
        return Load("embedded mnist-10k", name =>
        {
            var resource = $"mnist-10k/{name}.gz";
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"the library was built without its embedded data set ({resource}).");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return (resource, copy.ToArray());
        });
    }

    /// <summary>Loads the four standard files from <paramref name="directory"/>; the full MNIST works unchanged.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file is missing; the message names it.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt, truncated or inconsistent; the message names it.</exception>
    public static MnistData LoadDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"data directory not found: {directory}");
        }
        return Load(Path.GetFullPath(directory), name =>
        {
            foreach (var candidate in new[] { name + ".gz", name })
            {
                var path = Path.Combine(directory, candidate);
                if (File.Exists(path))
                {
                    return (path, File.ReadAllBytes(path));
                }
            }
            throw new FileNotFoundException(
                $"{Path.Combine(directory, name)}(.gz) not found; a data directory needs {string.Join(", ", FileNames)} (each raw or .gz).",
                Path.Combine(directory, name + ".gz"));
        });
    }

    private static MnistData Load(string source, Func<string, (string Path, byte[] Bytes)> read)
    {
        // One file at a time, so only one file's raw and decompressed bytes are alive at once besides the parsed
        // arrays: the full MNIST's 47 MB of training images is held once, not three times.
        using var fingerprint = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var paths = new string[FileNames.Count];
        IdxArray Next(int i, int rank)
        {
            var (path, bytes) = read(FileNames[i]);
            paths[i] = path;
            fingerprint.AppendData(SHA256.HashData(bytes));
            return Idx.Parse(Decompress(path, bytes), path, rank);
        }
        var trainImages = Next(0, 3);
        var trainLabels = Next(1, 1);
        var train = Dataset.FromIdx($"{paths[0]} + {paths[1]}", trainImages, trainLabels);
        var testImages = Next(2, 3);
        var testLabels = Next(3, 1);
        var test = Dataset.FromIdx($"{paths[2]} + {paths[3]}", testImages, testLabels);
        if (test.Features != train.Features)
        {
            throw new InvalidDataException(
                $"{paths[2]}: test images have {test.Features} pixels, but training images have {train.Features}.");
        }
        return new MnistData(train, test, source, Convert.ToHexStringLower(fingerprint.GetHashAndReset()));
    }

    private const uint MaxDecompressedBytes = 1u << 30;

    private static byte[] Decompress(string path, byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != 0x1F || bytes[1] != 0x8B)
        {
            return bytes;   // not gzip: a raw IDX file
        }
        try
        {
            // The output grows with what the stream actually inflates, never with a size the file claims (a hostile
            // trailer must not size an allocation), and stops at MaxDecompressedBytes (a gzip bomb).
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream(Math.Min(bytes.Length * 4, (int)MaxDecompressedBytes));
            var chunk = new byte[1 << 16];
            int read;
            while ((read = gzip.Read(chunk)) > 0)
            {
                if (output.Length + read > MaxDecompressedBytes)
                {
                    throw new InvalidDataException($"{path}: the gzip data inflates beyond {MaxDecompressedBytes} bytes; not an IDX file this library reads.");
                }
                output.Write(chunk, 0, read);
            }
            // gzip's trailer holds the uncompressed size mod 2³²: a mismatch is corruption that inflating missed.
            var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
            if (bytes.Length >= 18 && size != (uint)output.Length)
            {
                throw new InvalidDataException($"{path}: the gzip data inflates to {output.Length} bytes, but its trailer says {size}.");
            }
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: corrupt gzip data ({e.Message})", e);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{path}: truncated gzip data", e);
        }
    }
}
